"""Loading: files and bundled names become scenarios, and every bad file a clear error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from cases import BAD_FILES
from helpers import scenario_dict

from theater_sim.input.loading import MAX_FILE_BYTES, bundled_scenarios, load_scenario, parse_scenario
from theater_sim.model.errors import ScenarioError

REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _write(tmp_path: Path, text: str, name: str = "day.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_scenario_reads_a_valid_file(tmp_path: Path) -> None:
    path = _write(tmp_path, yaml.safe_dump(scenario_dict()))
    scenario, origin = load_scenario(str(path))
    assert scenario.name == "Test day"
    assert scenario.selling.arrivals is not None
    assert scenario.selling.arrivals.total == 100
    assert origin == str(path)


def test_load_scenario_applies_documented_defaults(tmp_path: Path) -> None:
    data = scenario_dict()
    del data["seed"], data["hours"]
    del data["selling"]["counters"]
    scenario, _ = load_scenario(str(_write(tmp_path, yaml.safe_dump(data))))
    assert scenario.seed == 42
    assert scenario.hours == 16
    assert scenario.selling.counters == 1
    assert scenario.verdict.tolerance == 0.2


@pytest.mark.parametrize(("case_id", "text", "fragments", "files"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_load_scenario_rejects_bad_file_naming_file_and_key(
    tmp_path: Path, case_id: str, text: str, fragments: list[str], files: dict[str, str]
) -> None:
    for name, content in files.items():
        _write(tmp_path, content, name)
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert len(message.splitlines()) <= 5
    if case_id == "counters-as-text":  # one complaint for the key, not one per form it may take
        assert len(message.splitlines()) == 1
    if case_id == "counters-list-of-numbers":  # a list is a schedule: not also "not an integer"
        assert "integer" not in message


def test_load_scenario_missing_file_lists_bundled_names() -> None:
    with pytest.raises(ScenarioError, match=r"no-such\.yaml: no such file.*balanced-day"):
        load_scenario("no-such.yaml")


def test_a_name_without_its_suffix_suggests_the_file_beside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run friday` beside friday.yaml (a trial): bundled names are written bare, files with .yaml."""
    (tmp_path / "friday.yaml").write_text("name: Friday\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        ScenarioError, match=r"^friday: no such file, nor a bundled scenario; did you mean friday\.yaml\?$"
    ):
        load_scenario("friday")


def test_load_scenario_rejects_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(str(tmp_path))


def test_load_scenario_rejects_oversized_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "# " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(ScenarioError, match="limit"):
        load_scenario(str(path))


def test_load_scenario_rejects_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError, match="UTF-8"):
        load_scenario(str(path))


def test_load_scenario_never_runs_yaml_tags(tmp_path: Path) -> None:
    marker = tmp_path / "hacked"
    text = f"!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]\n"
    with pytest.raises(ScenarioError):
        load_scenario(str(_write(tmp_path, text)))
    assert not marker.exists()


def test_parse_scenario_allows_modest_aliases() -> None:
    text = yaml.safe_dump(scenario_dict()).replace(
        "selling:", "shared_service: &svc {distribution: fixed, value: 1}\nselling:"
    )
    # A harmless alias passes the size check; the unknown key is what fails.
    with pytest.raises(ScenarioError, match="shared_service: unknown key"):
        parse_scenario(text, "x.yaml")


def test_bundled_scenarios_are_the_repository_files() -> None:
    """The names resolve to files identical to scenarios/ (in a wheel install too)."""
    bundled = bundled_scenarios()
    assert set(bundled) >= {"balanced-day", "tarantino-announced", "premiere-night"}
    for name, path in bundled.items():
        assert path.read_bytes() == (REPO_SCENARIOS / f"{name}.yaml").read_bytes()


def test_bundled_scenarios_all_load() -> None:
    for name in bundled_scenarios():
        scenario, _ = load_scenario(name)
        assert scenario.description


def test_yaml_exponent_numbers_and_merge_keys_are_accepted() -> None:
    """``1e-1`` is a number (YAML 1.2), and merge keys do not count as duplicates."""
    text = yaml.safe_dump(scenario_dict()).replace("mean: 0.5", "mean: 5e-1")
    text = "defaults: &svc {distribution: fixed, value: 1}\n" + text
    with pytest.raises(ScenarioError, match="defaults: unknown key"):
        parse_scenario(text, "x.yaml")
    scenario = parse_scenario(yaml.safe_dump(scenario_dict()).replace("mean: 0.5", "mean: 5e-1"), "x.yaml")
    assert scenario.selling.service_minutes.mean == 0.5
    merged = "base: &b {counters: 3}\n"
    data = scenario_dict()
    body = yaml.safe_dump({k: v for k, v in data.items() if k != "selling"})
    selling = yaml.safe_dump({"selling": data["selling"]}).replace("selling:\n", "selling:\n  <<: *b\n", 1)
    selling = selling.replace("  counters: 1\n", "")
    with pytest.raises(ScenarioError, match="base: unknown key"):
        parse_scenario(merged + body + selling, "x.yaml")


def test_load_scenario_refuses_a_pipe_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "day.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(str(fifo))


def test_load_scenario_name_too_long_is_a_user_error() -> None:
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario("a" * 300)


def test_load_scenario_empty_name() -> None:
    with pytest.raises(ScenarioError, match="no scenario given"):
        load_scenario("  ")


def test_a_json_scenario_gives_party_sizes_as_text_keys(tmp_path: Path) -> None:
    """JSON keys are always text, so a scenario written as JSON (which YAML
    reads) says ``"2": 0.5``: digits as text are that party size; anything
    else is still refused, naming the key."""
    import json

    scenario, _ = load_scenario("opening-weekend")
    data = scenario.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert set(data["linked"]["party_sizes"]) == {"1", "2", "3", "4"}  # as JSON has them
    path = tmp_path / "weekend.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded, _ = load_scenario(str(path))
    assert loaded.linked is not None
    assert loaded.linked.party_sizes == {1: 0.35, 2: 0.4, 3: 0.1, 4: 0.15}
    data["linked"]["party_sizes"] = {"two": 1.0}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"linked\.party_sizes\.two \(key\)"):
        load_scenario(str(path))
    data["linked"]["party_sizes"] = {"-1": 0.5, "1": 0.5}  # a number key with a minus: no union tag
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"linked\.party_sizes\.-1 \(key\)"):
        load_scenario(str(path))
    data["linked"]["party_sizes"] = {"01": 1.0}  # not how a size is written
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"linked\.party_sizes\.01 \(key\)"):
        load_scenario(str(path))


def test_a_party_size_given_twice_is_an_error(tmp_path: Path) -> None:
    """``2`` and ``"2"`` are one size: refused, not one weight silently dropped."""
    path = tmp_path / "twice.yaml"
    text = (REPO_SCENARIOS / "opening-weekend.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("party_sizes: {1: 0.35,", 'party_sizes: {"2": 0.1, 1: 0.35,'), encoding="utf-8")
    with pytest.raises(ScenarioError, match="party size 2 given twice"):
        load_scenario(str(path))


def test_every_bad_party_size_key_is_reported(tmp_path: Path) -> None:
    """Two bad keys, two lines: a key that is no number is not dropped for
    one that is out of range (as if they were two forms of one union)."""
    path = tmp_path / "keys.yaml"
    text = (REPO_SCENARIOS / "opening-weekend.yaml").read_text(encoding="utf-8")
    bad_keys = "party_sizes: {x: 0.1, 0: 0.1, a-b: 0.1, 1: 0.35,"
    path.write_text(text.replace("party_sizes: {1: 0.35,", bad_keys), encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(str(path))
    assert "linked.party_sizes.x (key)" in str(raised.value)
    assert "linked.party_sizes.a-b (key)" in str(raised.value)  # a dash, yet no union member's name
    assert "linked.party_sizes.0 (key)" in str(raised.value)  # a key, not the list index [0]


def test_a_file_s_key_mistakes_and_its_arrival_sources_are_said_at_once(tmp_path: Path) -> None:
    """pydantic checks across keys only once every key is valid: a linked day
    with a bad party size, a zero sd, no showtimes and collecting arrivals took
    three runs to put right (a trial). Where the customers come from is also
    checked on the keys as written; a valid file says it once."""
    linked = (
        "name: a\nlinked: {party_sizes: {0: 1}}\n"
        "selling: {arrivals: {total: 5}, service_minutes: {distribution: gamma, mean: 1, sd: 0}}\n"
        "collecting: {arrivals: {total: 5}, service_minutes: {distribution: fixed, value: 1}}\n"
    )
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(linked, "day.yaml")
    lines = str(raised.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        "linked.party_sizes.0 (key)",
        "selling.service_minutes.sd",
        "linked",
        "collecting.arrivals",
    ]
    valid_keys = linked.replace("{0: 1}", "{1: 1}").replace("sd: 0", "sd: 1")
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(valid_keys, "day.yaml")
    assert str(raised.value).splitlines() == [
        "day.yaml: linked: needs showtimes to sell tickets for",
        "day.yaml: collecting.arrivals: leave it out when 'linked' is set (holders are the buyers)",
    ]


def test_a_json_file_is_read_as_json(tmp_path: Path) -> None:
    """A .json scenario was read as YAML: tab indentation was refused ("found
    character '\\t' that cannot start any token") and an emoji escaped as a
    surrogate pair, as Python's json writes it, became two broken characters."""
    import json

    data = scenario_dict()
    data["name"] = "Test day \N{CLAPPER BOARD}"
    path = tmp_path / "day.json"
    path.write_text(json.dumps(data, indent="\t"), encoding="utf-8")
    scenario, _ = load_scenario(str(path))
    assert scenario.name == "Test day \N{CLAPPER BOARD}"
    path.write_text('{"name": "a", "hours": 2, "name": "b"}', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"day\.json: invalid JSON: the key 'name' is given twice"):
        load_scenario(str(path))


def test_a_json_files_syntax_error_says_json(tmp_path: Path) -> None:
    """A .json scenario's writer is told it is not valid JSON, a .yaml's that it is not valid YAML."""
    path = tmp_path / "cut.json"
    path.write_text('{"name": "cut short", "selling": {', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"cut\.json: invalid JSON: line 1"):
        load_scenario(str(path))
    path = tmp_path / "cut.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"cut\.yaml: invalid YAML: line"):
        load_scenario(str(path))
