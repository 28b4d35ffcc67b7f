"""Reading TeX as TeX typesets it: small rule modules used by parse.py and document.py.

* :mod:`.arguments` -- a macro argument without braces is one token (``\\frac12``, ``x^12``);
  spaced digits are one number; double superscripts are refused.
* :mod:`.applications` -- when ``name(...)`` is a function application, not a product.
* :mod:`.conditionals` -- ``\\iffalse ... \\fi`` and false ``\\newif`` switches (dead code).
* :mod:`.separators` -- where one display row holds several equations, a condition or a note.
* :mod:`.relations` -- relation spellings that mean "defined as".
* :mod:`.macros` -- ``\\newcommand``, ``\\def``, ``\\DeclareMathOperator`` ... of a document,
  expanded before its displays are read, with a map back to the source positions.
* :mod:`.definitions` -- reading those definitions into macro objects.
* :mod:`.expansion` -- the expansion engine, its bounds, and the map from expanded offsets back
  to the source.
* :mod:`.ranges` -- sums and products without bounds (``\\sum_i``) and the size of their range.
* :mod:`.quantities` -- the spellings of KL, entropy and cross-entropy (``\\mathrm{KL}(p\\|q)``).
* :mod:`.optimisers` -- the spellings of arg max / arg min and their parameters.
* :mod:`.leibniz` -- derivative fractions of one name (``\\frac{\\partial L}{\\partial w}``).
"""
