"""The rules: `rules/` (and a user's overlay) loaded, validated and indexed.

Takes the YAML files of the shipped `rules/` folder, its `beats/`, and a user's `--rules DIR`; gives the
validated models (`rule_models`, `lexicon_models`) and the `Lexicon` every later stage reads: phrase indexes of
organizations, titles, triggers and cues. The first stage: it imports no other.
"""
