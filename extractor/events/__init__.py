"""Events: an article's entities in, departure events out.

Takes the normalized text; reads its windows (paragraphs that can hold a departure) through the entity stage
(`engine`), builds candidates from departure words and moves (`frames`: who, which organization; `arguments`:
post, unit, date, destination, reason, certainty), and merges them into one event per person and
organization left (`merge`), each value with the rule that gave it.
"""
