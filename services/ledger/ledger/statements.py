"""Bank statements in, credit entries out: ISO 20022 camt.053 (versions .001.02 to .001.08) and
MT940 (the `mt-940` library; mBank's free-text and the structured `:86:` layouts).

camt.053 is streamed with lxml's iterparse (no entity resolution, no network), so a statement of
100,000 entries is never held whole. Each credit entry becomes one `Entry` with an idempotency key
the bank gave it (the account servicer's reference), so a statement imported twice posts once.
"""
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import mt940
from lxml import etree


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
def _text(element, path: str) -> str:
    found = element.find(path)
    return found.text.strip() if found is not None and found.text else ""


def _all_text(element, path: str) -> list[str]:
    return [e.text.strip() for e in element.iterfind(path) if e.text and e.text.strip()]


def _account(element, path: str) -> str:
    return _text(element, f"{path}/{{*}}Id/{{*}}IBAN") or _text(element, f"{path}/{{*}}Id/{{*}}Othr/{{*}}Id")


def _party(details, role: str) -> str:
    # v02-v07: RltdPties/Dbtr/Nm; v08 and later: RltdPties/Dbtr/Pty/Nm
    return (_text(details, f"{{*}}RltdPties/{{*}}{role}/{{*}}Nm")
            or _text(details, f"{{*}}RltdPties/{{*}}{role}/{{*}}Pty/{{*}}Nm"))


def _booked_on(entry) -> date:
    text = _text(entry, "{*}BookgDt/{*}Dt") or _text(entry, "{*}BookgDt/{*}DtTm")[:10] or \
        _text(entry, "{*}ValDt/{*}Dt") or _text(entry, "{*}ValDt/{*}DtTm")[:10]
    return date.fromisoformat(text)


def _camt_entries(entry, statement_account: str, ordinal: int) -> Iterator[Entry]:
    amount_element = entry.find("{*}Amt")
    booked_on = _booked_on(entry)
    entry_ref = _text(entry, "{*}AcctSvcrRef") or _text(entry, "{*}NtryRef")
    all_details = entry.findall("{*}NtryDtls/{*}TxDtls") or [None]
    for index, details in enumerate(all_details):
        amount, currency = amount_element.text, amount_element.get("Ccy")
        title = _text(entry, "{*}AddtlNtryInf")
        payer = payer_account = ""
        credited = statement_account
        tx_ref = ""
        if details is not None:
            # A batch entry (several TxDtls) carries each transaction's own amount.
            own = details.find("{*}Amt")
            own = own if own is not None else details.find("{*}AmtDtls/{*}TxAmt/{*}Amt")
            if own is not None and len(all_details) > 1:
                amount, currency = own.text, own.get("Ccy")
            lines = (_all_text(details, "{*}RmtInf/{*}Ustrd")
                     + _all_text(details, "{*}RmtInf/{*}Strd/{*}CdtrRefInf/{*}Ref"))
            title = " ".join(lines) or _text(details, "{*}AddtlTxInf") or title
            payer = _party(details, "Dbtr") or _party(details, "UltmtDbtr")
            payer_account = _account(details, "{*}RltdPties/{*}DbtrAcct")
            credited = _account(details, "{*}RltdPties/{*}CdtrAcct") or credited
            tx_ref = (_text(details, "{*}Refs/{*}AcctSvcrRef") or _text(details, "{*}Refs/{*}TxId")
                      or _text(details, "{*}Refs/{*}EndToEndId"))
        reference = tx_ref if tx_ref and tx_ref != "NOTPROVIDED" else f"{entry_ref or ordinal}/{index}"
        yield Entry(f"camt:{statement_account}:{reference}", to_grosze(amount), currency, booked_on,
                    _nrb_of(credited), title, payer, _nrb_of(payer_account))


def parse_camt053(source) -> Iterator[Entry]:
    """Credit entries of every statement in the file (`source`: a path or a binary file)."""
    statement_account = ""
    ordinal = 0
    context = etree.iterparse(source, events=("end",), tag=("{*}Acct", "{*}Ntry"), resolve_entities=False,
                              no_network=True, huge_tree=True, load_dtd=False)
    for _, element in context:
        if etree.QName(element).localname == "Acct":
            if etree.QName(element.getparent()).localname in ("Stmt", "Rpt"):
                statement_account = _nrb_of(_account(element, "."))
            continue
        ordinal += 1
        status = _text(element, "{*}Sts") or _text(element, "{*}Sts/{*}Cd")
        credit = _text(element, "{*}CdtDbtInd") == "CRDT"
        reversal = _text(element, "{*}RvslInd") == "true"
        if credit and not reversal and status in ("BOOK", ""):
            yield from _camt_entries(element, statement_account, ordinal)
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]


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
