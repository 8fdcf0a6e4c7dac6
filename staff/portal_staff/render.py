"""Output for people (aligned tables) or for scripts (`--json`)."""
import json

import click


def emit(data, as_json: bool, columns: tuple[str, ...] = ()) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif isinstance(data, list):
        click.echo(table(data, columns))
    else:
        width = max((len(key) for key in data), default=0)
        for key, value in data.items():
            click.echo(f"{key:<{width}}  {_cell(value)}")


def table(rows: list[dict], columns: tuple[str, ...]) -> str:
    if not rows:
        return "(none)"
    columns = columns or tuple(rows[0])
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    lines = ["  ".join(column.upper().ljust(width) for column, width in zip(columns, widths, strict=True))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
