"""Reading TeX as TeX typesets it: small rule modules used by parse.py and document.py.

* :mod:`.arguments` -- a macro argument without braces is one token (``\\frac12``, ``x^12``).
* :mod:`.conditionals` -- ``\\iffalse ... \\fi`` blocks (dead code) in LaTeX files.
* :mod:`.separators` -- where one display row holds several equations, or a condition.
* :mod:`.relations` -- relation spellings that mean "defined as".
"""
