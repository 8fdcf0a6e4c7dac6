"""Bank statements in, credit entries out: ISO 20022 camt.053 (versions .001.02 to .001.08) and
MT940 (the `mt-940` library; mBank's free-text and the structured `:86:` layouts).

camt.053 is streamed with ElementTree's iterparse, so a statement of 100,000 entries is
never held whole. Each credit entry becomes one `Entry` with an idempotency key
the bank gave it (the account servicer's reference), so a statement imported twice posts once.
"""
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree  # noqa: S405 (DTDs refused first: see refuse_dtd)

import mt940


@dataclass
class Entry:
    key: str
    amount_grosze: int
    currency: str
    booked_on: date
    credited_account: str      # the account the payer paid to (our individual NRB when given)
    title: str
    payer_name: str
    payer_account: str


def to_grosze(amount: Decimal | str) -> int:
    grosze = Decimal(amount) * 100
    if grosze != grosze.to_integral_value():
        raise ValueError(f"amount {amount} has fractions of a grosz")
    return int(grosze)


def _nrb_of(account: str) -> str:
    compact = re.sub(r"\s", "", account or "")
    return compact[2:] if compact.startswith("PL") and len(compact) == 28 else compact


# --- camt.053 ---------------------------------------------------------------------------
# Each entry is flattened once into {"NtryDtls/TxDtls/RmtInf/Ustrd": [texts], ...} by local
# names (any camt version's namespace): one pass over its elements is several times faster than
# a dozen ElementPath searches, which matters at 100,000 entries.
def _flatten(element, prefix: str = "", into: dict | None = None) -> dict[str, list[str]]:
    into = {} if into is None else into
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue   # comments, processing instructions
        path = f"{prefix}/{tag.rsplit('}', 1)[-1]}" if prefix else tag.rsplit("}", 1)[-1]
        text = child.text.strip() if child.text else ""
        if text:
            into.setdefault(path, []).append(text)
        currency = child.get("Ccy")
        if currency:
            into.setdefault(path + "@Ccy", []).append(currency)
        if len(child):
            _flatten(child, path, into)
    return into


def _one(flat: dict, *paths: str) -> str:
    for path in paths:
        if path in flat:
            return flat[path][0]
    return ""


def _account(flat: dict, path: str) -> str:
    return _one(flat, f"{path}/Id/IBAN", f"{path}/Id/Othr/Id")


def _transaction(entry_flat: dict, details_flat: dict, several: bool, statement_account: str, entry_ref: str,
                 index: int) -> Entry:
    amount = _one(details_flat, "Amt", "AmtDtls/TxAmt/Amt") if several else ""
    currency = _one(details_flat, "Amt@Ccy", "AmtDtls/TxAmt/Amt@Ccy") if several else ""
    if not amount:
        amount, currency = _one(entry_flat, "Amt"), _one(entry_flat, "Amt@Ccy")
    lines = details_flat.get("RmtInf/Ustrd", []) + details_flat.get("RmtInf/Strd/CdtrRefInf/Ref", [])
    title = " ".join(lines) or _one(details_flat, "AddtlTxInf") or _one(entry_flat, "AddtlNtryInf")
    # v02-v07: RltdPties/Dbtr/Nm; v08 and later: RltdPties/Dbtr/Pty/Nm
    payer = _one(details_flat, "RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm", "RltdPties/UltmtDbtr/Nm",
                 "RltdPties/UltmtDbtr/Pty/Nm")
    tx_ref = _one(details_flat, "Refs/AcctSvcrRef", "Refs/TxId", "Refs/EndToEndId")
    reference = tx_ref if tx_ref and tx_ref != "NOTPROVIDED" else f"{entry_ref}/{index}"
    booked = (_one(entry_flat, "BookgDt/Dt") or _one(entry_flat, "BookgDt/DtTm")[:10]
              or _one(entry_flat, "ValDt/Dt") or _one(entry_flat, "ValDt/DtTm")[:10])
    return Entry(f"camt:{statement_account}:{reference}", to_grosze(amount), currency, date.fromisoformat(booked),
                 _nrb_of(_account(details_flat, "RltdPties/CdtrAcct") or statement_account), title, payer,
                 _nrb_of(_account(details_flat, "RltdPties/DbtrAcct")))


def _camt_entries(entry, statement_account: str, ordinal: int) -> Iterator[Entry]:
    details = []
    for container in entry.iter():
        for child in list(container):
            if _local(child.tag) == "TxDtls":
                details.append(child)
                container.remove(child)   # flattened on their own, so the entry's paths stay its own
    entry_flat = _flatten(entry)
    entry_ref = _one(entry_flat, "AcctSvcrRef", "NtryRef") or str(ordinal)
    for index, element in enumerate(details or [None]):
        details_flat = _flatten(element) if element is not None else {}
        yield _transaction(entry_flat, details_flat, len(details) > 1, statement_account, entry_ref, index)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)


class UnsafeXml(ValueError):
    """A statement with a DTD (entity tricks); camt.053 never needs one."""


def refuse_dtd(raw: bytes) -> None:
    """Walk the prolog (declaration, comments, processing instructions) up to the root element
    and refuse a DOCTYPE. Together with expat >= 2.4's amplification limits and ElementTree never
    fetching external entities, this closes the XML attacks defusedxml guards against, while
    keeping the C parser's speed (defusedxml's Python-level handlers are four times slower)."""
    position = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    while match := PROLOG_ITEM.match(raw, position):
        position = match.end()
    if raw.startswith(b"<!", position):
        raise UnsafeXml("statement.dtd_refused")


def parse_camt053(raw: bytes) -> Iterator[Entry]:
    """Credit entries of every statement in the file. Each entry is removed from its statement
    once read, so memory stays flat whatever the file's size."""
    refuse_dtd(raw)
    statement_account, ordinal = "", 0
    # Only "end" events (half the work of start+end): the statement's `Acct` ends before its
    # first entry, and no element inside an entry has the local name `Acct`.
    for _, element in ElementTree.iterparse(io.BytesIO(raw), events=("end",)):  # noqa: S314 (refuse_dtd above)
        tag = element.tag
        if tag.endswith("}Acct") or tag == "Acct":
            statement_account = _nrb_of(_one(_flatten(element), "Id/IBAN", "Id/Othr/Id"))
        elif tag.endswith("}Ntry") or tag == "Ntry":
            ordinal += 1
            head = _flatten_head(element)
            status = head.get("Sts") or head.get("Sts/Cd", "")
            if head.get("CdtDbtInd") == "CRDT" and head.get("RvslInd") != "true" and status in ("BOOK", ""):
                yield from _camt_entries(element, statement_account, ordinal)
            element.clear()   # an empty shell stays in its statement: a few bytes an entry


def _flatten_head(entry) -> dict[str, str]:
    """The entry's own status fields, without walking its details."""
    head = {}
    for child in entry:
        name = _local(child.tag)
        if name in ("Sts", "CdtDbtInd", "RvslInd"):
            head[name] = (child.text or "").strip()
            for grandchild in child:
                head[f"{name}/{_local(grandchild.tag)}"] = (grandchild.text or "").strip()
    return head


# --- MT940 ------------------------------------------------------------------------------
MBANK_FIELDS = re.compile(r"(TYT\.|OD|Z RACH\.):\s*(.*?)(?=;\s*[A-Z][A-Z .]+:|$)", re.S)


def decode_mt940(raw: bytes) -> str:
    """Polish banks send ISO-8859-2 or CP852; UTF-8 when it decodes. mBank wraps blocks in SOH/ETX."""
    for encoding in ("utf-8", "iso-8859-2"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    return text.replace("\x01", "").replace("\x03", "")


def _mt940_parties(transaction) -> tuple[str, str, str]:
    """(title, payer name, payer account) from the structured `?`/`<`/`~` subfields, or from
    mBank's free text (`Z RACH.: ...; OD: ...; TYT.: ...`)."""
    data = transaction.data
    details = (data.get("transaction_details") or "").replace("\n", "")
    if data.get("purpose") or data.get("applicant_name"):
        return (data.get("purpose") or "", data.get("applicant_name") or "", data.get("applicant_iban") or "")
    found = {label: value.strip() for label, value in MBANK_FIELDS.findall(details)}
    if found:
        return found.get("TYT.", ""), found.get("OD", ""), re.sub(r"\D", "", found.get("Z RACH.", ""))
    return details, "", ""


def _statements(text: str):
    """One `Transactions` per statement: the library runs a multi-statement file together, so
    each `:20:` block is parsed on its own and keeps its own `:25:` account."""
    for block in re.split(r"(?m)^(?=:20:)", text):
        if ":25:" in block:
            yield mt940.parse(block)


def parse_mt940(raw: bytes) -> Iterator[Entry]:
    seen = Counter()
    for statement in _statements(decode_mt940(raw)):
        account = _nrb_of(statement.data.get("account_identification", ""))
        for transaction in statement:
            data = transaction.data
            if data.get("status") not in ("C", "RD"):
                continue
            amount = data["amount"]
            title, payer, payer_account = _mt940_parties(transaction)
            reference = data.get("bank_reference") or data.get("customer_reference") or ""
            base = f"mt940:{account}:{data['date']}:{reference}:{amount.amount}"
            seen[base] += 1
            key = base if seen[base] == 1 else f"{base}#{seen[base]}"
            yield Entry(key, to_grosze(amount.amount), amount.currency, date(*data["date"].timetuple()[:3]),
                        account, title, payer, _nrb_of(payer_account))


def file_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
