"""Evaluation: predicted events scored against gold, SPEC section 4.

Takes gold and predicted events (`evaluate` reads the files); gives precision, recall and F1 for events and
fields per article and corpus (`scoring`), as a table, JSON or a list of mistakes (`report`).
"""
