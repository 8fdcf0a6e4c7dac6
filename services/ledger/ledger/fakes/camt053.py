"""A fake bank's camt.053.001.02 statement of credits to the office's collection account, each
to a taxpayer's individual account (`CdtrAcct`), for tests, demo data and the benchmark."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>{day}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{msg_id}</Id><CreDtTm>{day}T18:00:00</CreDtTm>
<Acct><Id><IBAN>PL{account}</IBAN></Id><Ccy>PLN</Ccy></Acct>
"""
ENTRY = """<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>
<BkTxCd><Prtry><Cd>ELIXIR</Cd></Prtry></BkTxCd><NtryDtls><TxDtls><Refs><AcctSvcrRef>{ref}</AcctSvcrRef></Refs>
<RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr><DbtrAcct><Id><IBAN>PL{payer_account}</IBAN></Id></DbtrAcct>
<CdtrAcct><Id><IBAN>PL{credited}</IBAN></Id></CdtrAcct></RltdPties>
<RmtInf><Ustrd>{title}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
"""
TAIL = "</Stmt></BkToCstmrStmt></Document>\n"


@dataclass(frozen=True)
class Credit:
    ref: str
    amount_grosze: int
    day: date
    credited_account: str
    title: str = "PODATEK OD NIERUCHOMOSCI"
    payer: str = "Jan Kowalski"
    payer_account: str = "61109010140000071219812874"
    currency: str = "PLN"


def statement(credits: Iterable[Credit], collection_account: str, msg_id: str = "STMT-1",
              day: date = date(2026, 3, 16)) -> bytes:
    parts = [HEAD.format(msg_id=msg_id, day=day.isoformat(), account=collection_account)]
    for c in credits:
        parts.append(ENTRY.format(
            currency=c.currency, amount=f"{c.amount_grosze // 100}.{c.amount_grosze % 100:02d}",
            day=c.day.isoformat(), ref=escape(c.ref), payer=escape(c.payer), payer_account=c.payer_account,
            credited="" if not c.credited_account else c.credited_account, title=escape(c.title)))
    parts.append(TAIL)
    return "".join(parts).encode()
