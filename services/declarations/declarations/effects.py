"""What an accepted form asks other services to do, as the DECLARATION_ACCEPTED contract says:
exactly one of assessment (ledger: a liability), rebooking (ledger), refund_claim (ledger) or
mandate (identity)."""
from declarations import formdefs


def of(declaration) -> dict:
    form = formdefs.get(declaration.form_code, declaration.form_version)
    effect = form["effect"]
    build = {"assessment": _assessment, "rebooking": _rebooking, "refund_claim": _refund_claim,
             "mandate": _mandate}[effect]
    return {effect: build(form, declaration)}


def _assessment(form: dict, declaration) -> dict:
    data, computed = declaration.data, declaration.computed
    return {
        "tax_type": form["tax_type"],
        "tax_year": int(data["tax_year"]),
        "taxpayer_kind": form.get("taxpayer_kind") or ("natural" if len(declaration.subject) == 11 else "legal"),
        # the amount due for the year from `months_from` on (property tax rounded to whole złoty,
        # the waste fee exact)
        "annual_amount_grosze": computed["amount_for_period_grosze"],
        "components": [{"kind": c["kind"], "base": c["base"], "rate": c["rate"],
                        "amount_grosze": c["amount_grosze"]} for c in computed["components"]],
        "months_from": computed["months_from"],
        "corrects": data.get("corrects_declaration_id"),
        "installments": computed.get("installments"),
    }


def _rebooking(form: dict, declaration) -> dict:
    data = declaration.data
    return {"payment_date": data["payment_date"], "amount_grosze": data["amount"],
            "payment_reference": data.get("payment_reference"),
            "target_liability_id": data["target_liability_id"]}


def _refund_claim(form: dict, declaration) -> dict:
    return {"amount_grosze": declaration.data["claimed_amount"],
            "bank_account": declaration.data["bank_account"]}


def _mandate(form: dict, declaration) -> dict:
    data = declaration.data
    return {"principal": data.get("principal_pesel") or data["principal_nip"],
            "principal_name": data["principal_name"], "agent_account_id": data["agent_account_id"],
            "kind": data["kind"], "scopes": data["scopes"], "valid_from": data["valid_from"],
            "valid_to": data.get("valid_to")}
