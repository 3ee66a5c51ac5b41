"""Ingest: bytes in, articles out.

Takes files, folders and JSON Lines (stdin included) and gives `Article`s, or an `ErrorRecord` for an input
that cannot be read, decoded or parsed: encodings detected (`decoding`), HTML main text (`html_input`), JSON
Lines records (`jsonl_input`), datelines at the top of a text (`datelines`), all walked by `inputs`.
"""
