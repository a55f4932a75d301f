"""Agent messages from the shared real data (../shared/data), keyed by stable ids, for the
service-step evaluation. Texts are read from the data folder at run time and never stored here.

Ids: `twcs_head5000:<tweet_id>`, `twcs_random5000:<tweet_id>` (Twitter customer support,
agent = inbound False; the customer text is the tweet it answers when present) and
`ibm_dev:<sessionID>:<tweet_ID>`, `ibm_test:<sessionID>:<tweet_ID>` (IBM customer care; agent
turns and the final agent tweet; the customer text is the client turns before it).
"""

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA = Path(
    os.environ.get("GOODWILL_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
TWCS_FILES = ("twcs_head5000", "twcs_random5000", "twcs_kaggle_sample")
IBM_FILES = ("dev", "test")
_BARE_CR = re.compile(r"\r(?!\n)")


@dataclass(frozen=True, slots=True)
class AgentMessage:
    id: str
    text: str
    customer_text: str


def data_available() -> bool:
    return (DATA / "twcs_sample" / "twcs_head5000.csv").is_file() and (
        DATA / "twitter_customer_care_ibm" / "dev.json"
    ).is_file()


def _twcs_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open("rb") as handle:
        lines = (_BARE_CR.sub(" ", raw.decode("utf-8")) for raw in handle)
        yield from csv.DictReader(lines)


def _tweet_id(value: str) -> str:
    return value.split(".")[0].strip() if value else ""


def twcs_messages(name: str) -> list[AgentMessage]:
    rows = list(_twcs_rows(DATA / "twcs_sample" / f"{name}.csv"))
    by_id = {_tweet_id(row["tweet_id"]): row for row in rows}
    found = []
    for row in rows:
        if row["inbound"].strip() != "False":
            continue
        parent = by_id.get(_tweet_id(row.get("in_response_to_tweet_id", "")))
        customer = parent["text"] if parent and parent["inbound"].strip() == "True" else ""
        found.append(AgentMessage(f"{name}:{_tweet_id(row['tweet_id'])}", row["text"], customer))
    return found


def ibm_messages(name: str) -> list[AgentMessage]:
    dialogs = json.loads((DATA / "twitter_customer_care_ibm" / f"{name}.json").read_text())
    found = []
    for dialog in dialogs:
        session = dialog["dialogHeader"]["sessionID"]
        customer: list[str] = []
        for turn in dialog["dialogContent"]:
            if "agent" in turn:
                found.append(
                    AgentMessage(
                        f"ibm_{name}:{session}:{turn['tweet_ID']}",
                        turn["message"],
                        " ".join(customer),
                    )
                )
                customer = []
            else:
                customer.append(turn["message"])
        final = dialog["agentURL"]
        found.append(
            AgentMessage(
                f"ibm_{name}:{session}:{final['tweet_ID']}",
                final["url_utterance"],
                " ".join(customer),
            )
        )
    return found


def all_messages() -> dict[str, AgentMessage]:
    messages: list[AgentMessage] = []
    for name in TWCS_FILES:
        messages.extend(twcs_messages(name))
    for name in IBM_FILES:
        messages.extend(ibm_messages(name))
    return {message.id: message for message in messages}
