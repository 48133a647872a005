"""Built-in rules: one module per rule, named after the rule id (``-`` becomes ``_``).

Every module here is imported by :func:`isobpmn.lint.rule.all_rules`; adding a module adds a
rule. Each needs a docs page (generated from its docstring) and valid/invalid fixtures under
``tests/fixtures/lint/<rule-id>/``; a test fails when either is missing.
"""
