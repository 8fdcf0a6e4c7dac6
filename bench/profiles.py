"""Where the time goes, in a few lines: the top frames of a py-spy speedscope profile."""
import json
import re
from collections import Counter
from pathlib import Path

OWN_CODE = ("/services/", "/shared/portal_shared/")


def _label(frame: dict) -> str:
    path = re.sub(r"^.*?(/site-packages/|/services/|/shared/|/lib/python3\.\d+/)", "", frame["file"] or "?")
    return f"{frame['name']} ({path}:{frame['line']})"


def summary(path: Path, top: int = 8) -> dict:
    """Share of the samples spent in each frame itself (self) and under each of our own frames
    (inclusive), over every sampled thread and process."""
    data = json.loads(path.read_text())
    frames = data["shared"]["frames"]
    own = {i for i, frame in enumerate(frames) if any(m in (frame["file"] or "") for m in OWN_CODE)}
    self_time, inclusive, total = Counter(), Counter(), 0.0
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            if not stack:
                continue
            total += weight
            self_time[stack[-1]] += weight
            for index in set(stack) & own:
                inclusive[index] += weight
    if not total:
        return {"seconds_sampled": 0, "self": [], "own_code_inclusive": []}

    def ranked(counter):
        return [[_label(frames[i]), round(100 * w / total, 1)] for i, w in counter.most_common(top)]
    return {"seconds_sampled": round(total, 1), "self": ranked(self_time), "own_code_inclusive": ranked(inclusive)}
