#!/usr/bin/env python3
"""Turn a generated fleet (benches/gen_fleet.py) into a git repository with one commit a day
for DAYS days, for the `trend --from-git` benchmark.

    benches/gen_history.py REPO [--days 90] [--changes 5] [--seed 11]

Day 1 commits the repository (the inventory and Connwaer results stay out of git, as many
fleets keep them); each later day edits --changes configcrates (a control tag added or
removed), so every day has a new tree, and commits with that day's GIT_COMMITTER_DATE.
"""
import argparse
import datetime
import os
import random
import subprocess
from pathlib import Path


def git(repo, *args, date=None):
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com")
    if date:
        env["GIT_AUTHOR_DATE"] = date
        env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repo")
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--changes", type=int, default=5)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    repo = Path(a.repo)
    rnd = random.Random(a.seed)
    (repo / ".gitignore").write_text("inventory/\ntraits/\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "day 1", date="2026-08-01T12:00:00Z")
    crates = sorted(p for p in (repo / "stacks").rglob("*.vgo") if "configcrates" in p.parts)
    for day in range(1, a.days):
        for path in rnd.sample(crates, min(a.changes, len(crates))):
            text = path.read_text()
            if 'nist-800-53: ["AC-2", ' in text:
                text = text.replace('nist-800-53: ["AC-2", ', 'nist-800-53: [', 1)
            elif "nist-800-53: [" in text:
                text = text.replace("nist-800-53: [", 'nist-800-53: ["AC-2", ', 1)
            else:
                text += f"# day {day + 1}\n"
            path.write_text(text)
        date = (datetime.date(2026, 8, 1) + datetime.timedelta(days=day)).isoformat() + "T12:00:00Z"
        git(repo, "commit", "-q", "-am", f"day {day + 1}", date=date)


if __name__ == "__main__":
    main()
