"""Reading TeX as TeX typesets it: small rule modules used by parse.py and document.py.

* :mod:`.arguments` -- a macro argument without braces is one token (``\\frac12``, ``x^12``);
  spaced digits are one number; double superscripts are refused.
* :mod:`.applications` -- when ``name(...)`` is a function application, not a product.
* :mod:`.conditionals` -- ``\\iffalse ... \\fi`` and false ``\\newif`` switches (dead code).
* :mod:`.separators` -- where one display row holds several equations, a condition or a note.
* :mod:`.relations` -- relation spellings that mean "defined as".
"""
