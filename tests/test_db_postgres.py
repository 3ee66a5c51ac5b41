"""The loader's contract (test_db_sqlite.py) and `run`'s re-extraction (test_cli_db.py) against a real
PostgreSQL server started on loopback."""
from __future__ import annotations

from pathlib import Path

import pytest
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)

import test_cli_db as cli
import test_db_sqlite as contract
from extractor.db import connect, export_merged, load_events
from test_cli_db import fake_pipeline  # noqa: F401  (fixture)

test_loading_the_same_file_twice_changes_nothing = contract.test_loading_the_same_file_twice_changes_nothing
test_a_changed_event_replaces_the_old_one = contract.test_a_changed_event_replaces_the_old_one
test_an_event_without_id_gets_a_stable_one = contract.test_an_event_without_id_gets_a_stable_one
test_broken_lines_are_reported_by_number_and_the_rest_loads = (
    contract.test_broken_lines_are_reported_by_number_and_the_rest_loads)
test_duplicate_ids_in_one_file_keep_the_last_and_batches_cover_everything = (
    contract.test_duplicate_ids_in_one_file_keep_the_last_and_batches_cover_everything)
test_quotes_and_semicolons_round_trip_as_plain_values = contract.test_quotes_and_semicolons_round_trip_as_plain_values
test_a_nul_character_is_refused_on_its_line = contract.test_a_nul_character_is_refused_on_its_line
test_export_gives_back_the_loaded_events = contract.test_export_gives_back_the_loaded_events
test_an_iterable_of_events_loads_like_a_file = contract.test_an_iterable_of_events_loads_like_a_file
test_the_schema_is_versioned_and_migrating_twice_is_a_no_op = (
    contract.test_the_schema_is_versioned_and_migrating_twice_is_a_no_op)
test_reloading_an_article_without_one_event_deletes_it_and_remerges_its_departure = (
    contract.test_reloading_an_article_without_one_event_deletes_it_and_remerges_its_departure)
test_a_departure_only_a_deleted_event_supported_is_deleted = (
    contract.test_a_departure_only_a_deleted_event_supported_is_deleted)
test_articles_extracted_again_with_no_event_are_cleared = contract.test_articles_extracted_again_with_no_event_are_cleared
test_an_article_is_never_split_across_batches = contract.test_an_article_is_never_split_across_batches
test_an_article_given_in_two_places_keeps_all_its_events = (
    contract.test_an_article_given_in_two_places_keeps_all_its_events)
test_run_clears_an_article_that_now_yields_no_event = cli.test_run_clears_an_article_that_now_yields_no_event
test_run_keeps_the_events_of_an_article_that_failed = cli.test_run_keeps_the_events_of_an_article_that_failed


@pytest.fixture
def db_url(pg_url: str) -> str:  # noqa: F811
    return pg_url


def test_sqlite_and_postgresql_hold_the_same_rows_and_merge_alike(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    path = contract.write_jsonl(tmp_path / "events.jsonl", contract.SAMPLE)
    sqlite_url = str(tmp_path / "departures.db")
    for url in (sqlite_url, pg_url, sqlite_url, pg_url):
        load_events(path, url)

    assert contract.row_counts(pg_url) == contract.row_counts(sqlite_url)
    with connect(sqlite_url) as lite, connect(pg_url) as pg:
        assert list(export_merged(pg)) == list(export_merged(lite))


def test_conflict_flags_are_real_booleans_in_postgresql(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    load_events(contract.write_jsonl(tmp_path / "events.jsonl", contract.SAMPLE), pg_url)
    with connect(pg_url) as db:
        assert db.query("SELECT person FROM departures WHERE conflict") == [("薄列峰",)]
