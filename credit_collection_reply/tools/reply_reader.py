"""Reading a customer's reply to a reminder: what the customer wrote (not the quoted reminder), whether
it is an automatic reply, and what it proposes (a payment date and amount, a payment already made, a
dispute). French and English rules, regular expressions only: no external service.

Pure functions over text and dates, so that the rules are tested on hand cases without a database.
"""

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

AUTO_REPLY_HEADERS = {
    # RFC 3834: anything but "no" is an automatic message.
    "auto-submitted": lambda value: value.strip().lower() not in ("", "no"),
    "x-autoreply": lambda value: bool(value.strip()),
    "x-autorespond": lambda value: bool(value.strip()),
    "x-auto-response-suppress": lambda value: False,  # set by senders of normal mail too: not a sign
    "precedence": lambda value: value.strip().lower() in ("auto_reply", "bulk", "junk", "list"),
}
AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(r[ée]ponse automatique|absence|absent|out of (the )?office|automatic reply|auto(matic)?[- ]?reply|"
    r"autoreply|vacation|cong[ée]s?)\b",
    re.IGNORECASE,
)

MONTHS = {
    # French, unaccented (the text is read without accents), then English; abbreviations too.
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "novembre": 11,
    "decembre": 12, "dec": 12,
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12,
}  # fmt: skip
WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_NAMES = "|".join(WEEKDAYS)
DAY = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?"

# Each date pattern gives (day, month, year) parts; what is missing is resolved against the email's date.
DATE_PATTERNS = [
    re.compile(r"\b(?P<year>20\d\d)-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\b"),
    re.compile(r"\b(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)(?:[/.](?P<year>(?:20)?\d\d))?\b"),
    re.compile(r"\b" + DAY + r"(?: of)? (?P<monthname>" + MONTH_NAMES + r")\.?(?:,? (?P<year>20\d\d))?\b"),
    re.compile(r"\b(?P<monthname>" + MONTH_NAMES + r")\.? " + DAY + r"(?:,? (?P<year>20\d\d))?\b"),
    re.compile(r"\b(?:le|the|on the|on|du|au|avant le|by the) " + DAY + r"\b(?! ?(?:%|jours?|days?|€|eur))"),
]
RELATIVE_DAYS = [
    (re.compile(r"\bapres[- ]demain\b|\bday after tomorrow\b"), 2),
    (re.compile(r"\bavant[- ]hier\b|\bday before yesterday\b"), -2),
    (re.compile(r"\bdemain\b|\btomorrow\b"), 1),
    (re.compile(r"\bhier\b|\byesterday\b"), -1),
    (re.compile(r"\baujourd'?hui\b|\bce (?:jour|matin|soir)\b|\btoday\b|\bthis (?:morning|afternoon)\b"), 0),
]
IN_DAYS = re.compile(r"\b(?:dans|sous|d'ici|in|within) (?P<count>\d{1,2}) ?(?:jours?|days?)\b")
NEXT_WEEK = re.compile(r"\b(?:la )?semaine prochaine\b|\bnext week\b")
END_OF_MONTH = re.compile(r"\bfin (?:du |de )?mois\b|\bend of (?:the )?month\b")
WEEKDAY = re.compile(
    r"\b(?:(?P<next>next|this|on|ce|ce prochain) )?(?P<weekday>" + WEEKDAY_NAMES + r")"
    r"(?: (?P<after>prochain|dernier))?\b|\blast (?P<lastday>" + WEEKDAY_NAMES + r")\b"
)

NUMBER = r"\d{1,3}(?:[ .']\d{3})+(?:[,.]\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[,.]\d{1,2})?"
AMOUNT = re.compile(
    r"(?:(?:€|eur|euros?) ?(?P<before>" + NUMBER + r"))|(?:(?P<after>" + NUMBER + r") ?(?:€|eur\b|euros?\b))"
)

DISPUTE_RULES = [
    # (pattern, dispute reason): the first that matches gives the reason.
    (r"\bdeja (?:ete )?(?:paye|regle|reglee|payee)s?\b|\balready (?:been )?(?:paid|settled)\b", "already_paid"),
    (r"\bdoublon\b|\bfacture(?:e|s)? (?:deux fois|en double)\b|\bduplicate\b|\binvoiced twice\b", "duplicate"),
    (
        r"\b(?:pas|jamais|non) (?:encore )?(?:ete )?(?:recu|livre)(?:e|s|es)?\b(?! (?:votre|la|cette) facture)"
        r"|\bn'?(?:avons|ai) (?:jamais |pas )(?:encore )?(?:ete )?(?:recu|ete livres?)\b"
        r"|\b(?:not|never) (?:yet )?(?:been )?(?:received|delivered)\b(?! (?:the|your) invoice)"
        r"|\bhave(?:n't| not) received the (?:goods|order|delivery|parcel)\b",
        "delivery",
    ),
    (r"\bdefectueu|\babime|\bendommage|\bnon conforme|\bdamaged\b|\bdefective\b|\bbroken\b|\bfaulty\b", "quality"),
    (r"\bquantite|\bquantity\b", "quantity"),
    (r"\bprix\b|\btarif|\bprice\b|\bovercharged\b|\bsurfactur", "price"),
    (
        r"\bfacture (?:est |etait )?(?:fausse|erronee|incorrecte|inexacte)\b|\bcontest(?:e|ons|ez|ent|ation)?\b"
        r"|\blitige\b|\breclamation\b|\berreur\b|\berrone|\bwrong (?:invoice|amount|bill)\b|\bincorrect\b"
        r"|\bdisput(?:e|ed|ing)\b|\bmistake\b|\berror\b|\binvoice is wrong\b",
        "other",
    ),
]
# A dispute is read when one of these is written; the reason then comes from DISPUTE_RULES.
DISPUTE_WORDS = re.compile(
    r"\bfacture (?:est |etait )?(?:fausse|erronee|incorrecte|inexacte)\b|\bcontest(?:e|ons|ez|ent|ation)\b"
    r"|\blitige\b|\breclamation\b|\berreur de factur|\berrone|\bdoublon\b|\bnon conforme\b|\bdefectueu|\babime"
    r"|\bdeja (?:ete )?(?:paye|regle|reglee|payee)s?\b|\b(?:pas|jamais) (?:encore )?(?:ete )?(?:recu|livre)(?:e|s|es)? "
    r"(?:la |les |votre |de )?(?:marchandise|commande|livraison|colis|produit|materiel)"
    r"|\bwrong (?:invoice|amount|bill|price|quantity)\b|\binvoice is (?:wrong|incorrect)\b"
    r"|\bincorrect (?:invoice|amount)"
    r"|\bdisput(?:e|ed|ing)\b|\bduplicate\b|\bdamaged\b|\bdefective\b|\balready (?:been )?(?:paid|settled)\b"
    r"|\b(?:not|never) (?:yet )?(?:been )?(?:received|delivered)(?: the)? (?:goods|order|delivery|parcel)"
    r"|\bhave(?:n't| not) received the (?:goods|order|delivery|parcel)\b|\bovercharged\b"
)
PROMISE_WORDS = re.compile(
    r"\b(?:paierai|paierons|payerai|payerons|reglerai|reglerons|verserai|verserons|virerai|virerons|"
    r"effectuerai|effectuerons|enverrai|enverrons)\b"
    r"|\b(?:ferai|ferons|fera|feront) (?:un |le |notre |mon |ce )?(?:virement|paiement|reglement|versement)\b"
    r"|\b(?:vais|allons|va|vont) (?:vous )?(?:payer|regler|virer|verser|proceder|effectuer|envoyer)\b"
    r"|\b(?:sera|seront) (?:paye|payee|payes|payees|regle|reglee|regles|reglees|vire|viree|verse|effectue)\b"
    r"|\b(?:reglement|paiement|virement|versement) (?:est |sera )?(?:prevu|programme|planifie)"
    r"|\bwill (?:be )?(?:pay|paid|settle|settled|transfer|transferred|wire|wired|send|sent|make|made)\b"
    r"|\b(?:i|we)'ll (?:pay|settle|transfer|wire|send)\b|\b(?:going|plan|intend|expect) to (?:pay|settle|transfer)\b"
    r"|\bpayment (?:is |will be )?(?:scheduled|planned)\b"
)
PAID_WORDS = re.compile(
    r"\b(?:avons|ai|a|avez) (?:bien |deja )?(?:paye|regle|vire|verse|effectue|envoye|emis|procede)\b"
    r"|\b(?:paye|payee|regle|reglee|vire|viree|verse|versee)s? (?:hier|aujourd|ce matin|le \d|avant[- ]hier)"
    r"|\b(?:virement|paiement|reglement|versement|cheque) (?:a ete |est )?(?:effectue|emis|envoye|passe|parti|fait)\b"
    r"|\b(?:paid|settled|transferred|wired)\b|\b(?:sent|made) (?:the |a |our )?(?:payment|transfer|wire)\b"
    r"|\bpayment (?:was|has been) (?:made|sent|issued)\b"
)
PAYMENT_NOUNS = re.compile(r"\b(?:reglement|paiement|virement|versement|cheque|payment|transfer|wire|cheque|check)\b")

QUOTE_HEADER = re.compile(
    r"^\s*(?:le |on ).{0,200}(?:a ecrit|wrote)\s*:\s*$|^\s*-{2,} ?(?:original message|message d'origine) ?-*\s*$"
    r"|^\s*-- $"
)
FORWARD_MARKER = re.compile(r"^\s*-{2,} ?(?:forwarded message|message transfere|debut du message reexpedie)")
HEADER_LINE = re.compile(r"^\s*(?:de|from|envoye|sent|date|a|to|objet|subject|cc)\s*:", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Reading:
    """What a reply proposes: ``kind`` is 'promise', 'payment', 'dispute' or False."""

    kind: str | bool = False
    date: dt.date | None = None
    amount: float | None = None
    reason: str | None = None
    evidence: str = ""
    forwarded_from: str | None = None


def plain(text):
    """Lower case without accents, the same length as ``text`` (a match's offsets point into the original)."""
    chars = []
    for char in text or "":
        base = unicodedata.normalize("NFD", char)[0].lower()
        chars.append(base[0] if base else char)
    return "".join(chars).replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")


def is_auto_reply(headers, subject):
    """Out of office and other automatic replies, from their headers (RFC 3834 and the usual ones) or subject."""
    for name, value in (headers or {}).items():
        check = AUTO_REPLY_HEADERS.get(name.lower())
        if check and value and check(str(value)):
            return True
    return bool(AUTO_REPLY_SUBJECT.match(plain(subject or "")) or AUTO_REPLY_SUBJECT.match(subject or ""))


def written_text(text):
    """What the sender wrote: the quoted reminder (``>`` lines, "Le ... a écrit :", "On ... wrote:", an
    original message, the signature) is left out. A forwarded message is kept, without its header block:
    a forwarded reply is read like a reply. Returns (text, the forwarded message's sender or None)."""
    kept, forwarded_from, in_forward_header = [], None, False
    for line in (text or "").splitlines():
        low = plain(line)
        if FORWARD_MARKER.match(low):
            in_forward_header = True
            continue
        if in_forward_header:
            if HEADER_LINE.match(low):
                if re.match(r"^\s*(?:de|from)\s*:", low) and not forwarded_from:
                    found = EMAIL.search(line)
                    forwarded_from = found.group(0).lower() if found else None
                continue
            if not line.strip() and not kept[-1:] == [""]:
                in_forward_header = False if forwarded_from else in_forward_header
                continue
            in_forward_header = False
        if QUOTE_HEADER.match(low) or (HEADER_LINE.match(low) and re.match(r"^\s*(?:de|from)\s*:", low)):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip(), forwarded_from


def parse_amount(number):
    """'1 250,00' / '1.250,00' / '1,250.00' / '1250' -> 1250.0: the last separator followed by one or two
    digits is the decimal one, the others group thousands."""
    number = number.replace(" ", "").replace("'", "")
    decimal = re.search(r"[,.](\d{1,2})$", number)
    if decimal:
        whole = re.sub(r"[,.]", "", number[: decimal.start()])
        return float("%s.%s" % (whole or "0", decimal.group(1)))
    return float(re.sub(r"[,.]", "", number))


def _valid(year, month, day):
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(day, month, year, sent_on, direction):
    """A date from its parts; a missing year or month is the one that puts it in ``direction`` from the email's
    date ('future': on or after, 'past': on or before, 'nearest': the closest)."""
    if year:
        year = int(year)
        year += 2000 if year < 100 else 0
        return _valid(year, month, day) if month else None
    if month:
        options = [_valid(sent_on.year + shift, month, day) for shift in (-1, 0, 1)]
    else:
        options = []
        for shift in (-1, 0, 1):
            month_index = sent_on.month - 1 + shift
            options.append(_valid(sent_on.year + month_index // 12, month_index % 12 + 1, day))
    options = [option for option in options if option]
    if direction == "future":
        options = [option for option in options if option >= sent_on]
        return min(options, default=None)
    if direction == "past":
        options = [option for option in options if option <= sent_on]
        return max(options, default=None)
    return min(options, key=lambda option: abs((option - sent_on).days), default=None)


def find_date(text, sent_on, direction="nearest"):
    """(date, start) of the first date written in ``text`` (already ``plain``), resolved against ``sent_on``."""
    found = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            if "a" in parts:
                first, second = int(parts["a"]), int(parts["b"])
                day, month = (second, first) if first <= 12 < second else (first, second)
                if not 1 <= month <= 12:
                    continue
            else:
                day = int(parts["day"])
                month = MONTHS[parts["monthname"]] if parts.get("monthname") else int(parts.get("month") or 0)
            if not 1 <= day <= 31:
                continue
            resolved = _resolve(day, month, parts.get("year"), sent_on, direction)
            if resolved:
                # "le 15" and "15/01/2027" start at the same day: the longer one is the date written.
                found.append((match.start("day") if "day" in parts else match.start(), -match.end(), resolved))
    for pattern, shift in RELATIVE_DAYS:
        for match in pattern.finditer(text):
            found.append((match.start(), -match.end(), sent_on + timedelta(days=shift)))
    for match in IN_DAYS.finditer(text):
        found.append((match.start(), -match.end(), sent_on + timedelta(days=int(match.group("count")))))
    for match in NEXT_WEEK.finditer(text):
        found.append((match.start(), -match.end(), sent_on + timedelta(days=7 - sent_on.weekday())))
    for match in END_OF_MONTH.finditer(text):
        last = calendar.monthrange(sent_on.year, sent_on.month)[1]
        found.append((match.start(), -match.end(), sent_on.replace(day=last)))
    for match in WEEKDAY.finditer(text):
        weekday = WEEKDAYS[match.group("weekday") or match.group("lastday")]
        past = match.group("lastday") or match.group("after") == "dernier" or direction == "past"
        if past:
            found.append(
                (match.start(), -match.end(), sent_on - timedelta(days=(sent_on.weekday() - weekday - 1) % 7 + 1))
            )
        else:
            found.append(
                (match.start(), -match.end(), sent_on + timedelta(days=(weekday - sent_on.weekday() - 1) % 7 + 1))
            )
    if not found:
        return None, None
    start, _end, resolved = min(found, key=lambda item: item[:2])
    return resolved, start


def find_amount(text):
    match = AMOUNT.search(text)
    if not match:
        return None
    return parse_amount(match.group("before") or match.group("after"))


def _sentence(original, start):
    """The sentence of ``original`` around offset ``start``: what the collector reads as evidence."""
    begin = max(original.rfind(mark, 0, start) for mark in (".", "!", "?", "\n")) + 1
    ends = [pos for pos in (original.find(mark, start) for mark in (".", "!", "?", "\n")) if pos != -1]
    # A date or an amount holds dots and commas: a sentence ends at a mark followed by a space or the end.
    ends = [pos for pos in ends if pos + 1 >= len(original) or original[pos + 1] in " \n"] or [len(original)]
    return " ".join(original[begin : min(ends) + 1].split())[:250]


def read_reply(text, sent_on):
    """What a reply's own text proposes (see ``Reading``); ``sent_on`` is the email's date, against which
    "demain", "next Friday" or "le 15" are resolved."""
    own, forwarded_from = written_text(text)
    low = plain(own)
    reading = Reading(forwarded_from=forwarded_from)
    dispute = DISPUTE_WORDS.search(low)
    if dispute:
        reading.kind = "dispute"
        reading.reason = "other"
        for pattern, reason in DISPUTE_RULES:
            if re.search(pattern, low):
                reading.reason = reason
                break
        reading.evidence = _sentence(own, dispute.start())
        reading.amount = find_amount(low)
        return reading
    promise, paid = PROMISE_WORDS.search(low), PAID_WORDS.search(low)
    if promise:
        reading.kind, direction, anchor = "promise", "future", promise
    elif paid:
        reading.kind, direction, anchor = "payment", "past", paid
    else:
        anchor = PAYMENT_NOUNS.search(low)
        if not anchor:
            return reading
        direction = "nearest"
    reading.date, date_start = find_date(low, sent_on, direction)
    reading.amount = find_amount(low)
    if not reading.kind:
        if not reading.date:
            return reading
        reading.kind = "promise" if reading.date > sent_on else "payment"
    if reading.kind == "payment" and not reading.date:
        reading.date = sent_on
    reading.evidence = _sentence(own, anchor.start() if date_start is None else min(anchor.start(), date_start))
    return reading
