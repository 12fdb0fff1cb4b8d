"""Delivery failures read from the reply mailbox: which addresses failed, and whether the address itself is
gone (a hard bounce: the email becomes invalid) or only this delivery failed (a soft bounce: noted, never
invalidating).

Who failed: the standard delivery-status report (RFC 3464) when there is one, else the detectors of GNU
Mailman (flufl.bounce: Postfix, Exim, qmail, Exchange, Yahoo, AOL… in their own formats), else the
addresses the notice names. Why: the report's status code, the server's reply and the SMTP command it
answered, read by the rules of `failure_is_hard` (the status code alone says « 5.x.x », which is also
« mailbox full », « spam » and « your server is blocked »).

Pure reading: nothing here writes; messaging.inbound hands the verdicts to the tracking services."""

import email
import email.policy
import json
import quopri
import re
from dataclasses import dataclass, field
from email.message import Message as MailMessage
from email.parser import HeaderParser

from flufl.bounce import all_failures

ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
MESSAGE_IDS = re.compile(r"<([^<>\s]+)>")

# Where the notice ends and the copy of the original message starts, in the formats seen in the wild.
ORIGINAL_STARTS = re.compile(
    r"^\s*(?:-+\s*)?(?:"
    r"this is a copy of the message|below this line is a copy of the message|original message follows|"
    r"-+ ?original message ?-+|"
    r"-+ ?(?:the )?original message|original message headers|"
    r"-+\s*message header follows|the header of the original message|"
    r"content-type: message/rfc822|-+ ?returned message ?-+|-+ ?unsent message below|"
    # a copy that starts without a marker: its header block
    r"(?:received|return-path|message-id|dkim-signature|x-original-to):"
    r")",
    re.IGNORECASE | re.MULTILINE)

# The SMTP command a server's refusal answered. Refused at RCPT TO, the address was judged; at DATA (or
# after it), the address had been accepted and the content was refused; at MAIL FROM, HELO or on
# connecting, our sender or our server was.
COMMANDS = [
    (re.compile(r"in reply to (?:the )?(?:end of )?data\b|after (?:end of )?data\b|>>> data\b|"
                r"\[data\]|\bafter the data\b|end of data", re.IGNORECASE), "DATA"),
    (re.compile(r"in reply to (?:the )?rcpt to\b|after rcpt to\b|>>> rcpt to\b|\[rcpt_to\]|"
                r"does not like recipient|not like our rcpt to|rcpt to:?\s*<", re.IGNORECASE), "RCPT"),
    (re.compile(r"in reply to (?:the )?mail from\b|after mail from\b|>>> mail from\b|\[mail_from\]|"
                r"does not like sender", re.IGNORECASE), "MAIL"),
    (re.compile(r"in reply to (?:the )?(?:helo|ehlo)\b|after (?:helo|ehlo)\b|after initial connection|"
                r"while connected|(?:greeting|banner) |did not accept our requests to connect", re.IGNORECASE), "CONNECT"),
]

PIPELINED = re.compile(r"no valid recipients?|need rcpt|rcpt command must precede|all rcpt commands were rejected|"
                       r"valid rcpt command", re.IGNORECASE)

# The address cannot receive mail: nobody by that name there, the person has moved. Said in English,
# French and the usual server phrasings.
ADDRESS_GONE = re.compile(
    r"unknown (?:local[- ]part|mailbox|address|e-?mail)|no such (?:user|recipient|mailbox|address|account|person|local user)|"
    r"(?:user|recipient|mailbox|address|account|addressee)(?: name)? (?:does ?n[o']t|did not|doesn't) exist|"
    r"(?:user|recipient|mailbox|account) (?:not|no longer) (?:exist|found|listed|known|valid)|"
    r"does not exist|doesn't exist|not (?:a )?valid (?:user|recipient|mailbox|address)|"
    r"invalid (?:recipient|mailbox|user|address|e-?mail address)|bad (?:destination )?(?:mailbox|recipient)|"
    r"recip(?:ient)?notfound|recipient not found|address not found|addressee unknown|"
    r"mailbox (?:unavailable|not found|name not allowed)|no mailbox|unrouteable address|"
    r"not our (?:customer|user)|no longer (?:on server|valid|available|with)|has moved|"
    r"name is not recognized|(?<!sender )address rejected\s*(?:\.|$)|"
    r"adresse (?:du )?destinataire (?:invalide|inconnue)|"
    r"not found in (?:the )?\w+ directory|not listed in|invalid address",
    re.IGNORECASE)

# « User unknown »: what a mail server says of an address it does not have, and also what some filters
# answer to mail they refuse (large carriers among them), so as not to tell which addresses exist.
ADDRESS_UNKNOWN = re.compile(
    r"user(?:name)? (?:is )?unknown|unknown (?:user|recipient)|recipient (?:is )?unknown|destinataire inconnu",
    re.IGNORECASE)

# The domain cannot receive mail: unknown host or domain, no mail exchanger, a null MX (RFC 7505).
DOMAIN_GONE = re.compile(
    r"host (?:or domain name )?(?:not found|unknown)|unknown host|domain (?:name )?not found|"
    r"no such domain|domain (?:does not exist|is not reachable|not exist)|nxdomain|unrouteable domain|"
    r"does not accept mail|accepts? no mail|no smtp service|null mx|no mx (?:record )?found|"
    r"(?:couldn't|could not|unable to) find (?:a |any )?mail exchanger|no mail exchanger|"
    r"domain \S+ (?:couldn't|could not|can't|cannot) be found|had no relevant answers",
    re.IGNORECASE)

# This delivery failed, the address may well be fine: a full or disabled mailbox, a spam, virus or policy
# filter, our server's reputation, authentication (SPF, DKIM, DMARC), size, rate, a time-out, a retry.
DELIVERY_ONLY = re.compile(
    r"mailbox (?:is )?full|\bfull mailbox|(?:inbox|mailbox|disk|box) (?:is )?(?:full|out of)|\bquota|"
    r"storage (?:space|quota|limit|full|allocation)|out of (?:storage|space|disk)|insufficient (?:disk )?space|"
    r"too (?:large|big|many)|size (?:limit|exceeds)|exceeds? (?:the )?(?:\w+ )?(?:size|maximum|limit)|"
    r"\bdisabled|inactive|suspended|\bsuspend|frozen|\blocked\b|deactivated|not active|on hold|"
    r"spam|\bjunk|bulk (?:e-?mail|mail)|\bube\b|virus|malware|blacklist|blocklist|black list|block ?list|"
    r"\bblocked|\bbanned|spamhaus|\brbl\b|dnsbl|reputation|"
    r"\bpolicy|policies|prohibited|not (?:allowed|permitted|authori[sz]ed)|access denied|"
    r"relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited)|unable to relay|"
    r"authenticat|\bspf\b|\bdkim\b|\bdmarc\b|reverse dns|\bptr\b|\brdns|mismatch|"
    r"content (?:rejected|refused)|message (?:rejected|refused|filtered|content)|"
    r"\brate limit|frequency|throttl|too fast|"
    r"time[ds]? ?out|timeout|expired|too long|\bdelay|deferred|try again later|try later|"
    r"not found, try again|temporar|"
    r"connection (?:refused|reset|closed|lost|timed)|could not connect|unable to connect|network error|"
    r"service (?:unavailable|not available|refus)|system (?:error|problem)|mailer error|transaction failed|"
    r"not (?:a )?member|greylist|graylist|sender (?:address )?(?:rejected|verify|domain|denied)|"
    r"syntax error|\bheaders? (?:error|too)",
    re.IGNORECASE)

# RFC 3463 subjects that speak of the address itself: bad mailbox (X.1.1), bad system (X.1.2), bad
# address syntax (X.1.3), mailbox moved (X.1.6), null MX (X.1.10). X.2.x is « the mailbox exists, but… ».
GONE_STATUSES = {"1.1", "1.2", "1.3", "1.6", "1.10"}


@dataclass(frozen=True)
class Failure:
    email: str
    hard: bool
    status: str
    reason: str


@dataclass
class BounceReport:
    original_message_id: str = ""
    failures: list[Failure] = field(default_factory=list)


def failure_is_hard(*, status: str = "", diagnostic: str = "", notice: str = "", command: str = "",
                    action: str = "", diagnostic_type: str = "", permanent: bool = False) -> bool:
    """Whether a delivery failure says the address cannot receive mail (DESIGN: only that invalidates).

    - A delay is never a verdict: the sending server is still trying.
    - A refusal of our content (at DATA), of our sender (MAIL FROM) or of our server (on connecting) says
      nothing of the address, even when the server words it « user unknown ».
    - A security or policy status (X.7) is a filter's refusal, whatever its words. A status of the mailbox
      (X.2: full, disabled), of the mail system (X.3) or of the content (X.6) is not about the address
      either, unless the server refused the address itself at RCPT TO.
    - Otherwise the server's own reply (`diagnostic`), then the notice's words about this address
      (`notice`): first what only speaks of this delivery (full, disabled, spam, policy, time-out…), then
      what says the address is gone (unknown user, no such domain, has moved…).
    - « User unknown » alone is believed when said at RCPT TO, with an address status (X.1.x), or when the
      sending provider itself judged the bounce permanent (`permanent`).
    - Said nothing readable: the status code, X.1.1, X.1.2, X.1.3, X.1.6 or X.1.10 on a permanent failure."""
    if action.strip().lower() == "delayed" or command in ("DATA", "MAIL", "CONNECT"):
        return False
    found = STATUS.search(status) or STATUS.search(diagnostic) or STATUS.search(notice)
    code_class, subject = (found.group(1), f"{found.group(2)}.{found.group(3)}") if found else ("", "")
    if subject.startswith("7."):
        return False
    if subject.startswith(("2.", "3.", "6.")) and command != "RCPT":
        return False
    if diagnostic_type in ("x-unix", "x-local"):
        return False  # the local delivery program failed (a mailer error), not the address
    for text in (diagnostic, _replies(notice), notice):
        verdict = _verdict(text)
        if verdict == "domain":
            # A domain not found on a temporary failure is a DNS hiccup until the sender gives up.
            return code_class != "4"
        if verdict == "unknown":
            # « User unknown » alone is also what some filters answer to mail they refuse: it counts when
            # the server said it of the recipient (at RCPT TO) or with a status about the address (X.1.x).
            return command == "RCPT" or subject in GONE_STATUSES or permanent
        if verdict is not None:
            return verdict == "address"
    return code_class == "5" and subject in GONE_STATUSES


def _verdict(text: str) -> str | None:
    """What the first line of `text` that says anything says: "address" (nobody by that name), "unknown"
    (« user unknown »), "domain" (no such domain, or it takes no mail), "delivery" (only this delivery
    failed); None when none says."""
    text = re.sub(r"\n[ \t]+", " ", text.replace("\r\n", "\n"))  # a folded line is one line
    for line in text.split("\n"):
        words = _without_addresses(" ".join(line.split()))
        if DELIVERY_ONLY.search(words):
            return "delivery"
        if ADDRESS_GONE.search(words):
            return "address"
        if ADDRESS_UNKNOWN.search(words):
            return "unknown"
        if DOMAIN_GONE.search(words):
            return "domain"
    return None


def _replies(text: str) -> str:
    """The servers' replies quoted in a notice: the lines carrying an SMTP code, with their continuation."""
    return "\n".join(found.group(0) for found in re.finditer(r"\b[245]\d\d[ -][^\n]*(?:\n[ \t]+[^\n]*)*", text))


def _without_addresses(text: str) -> str:
    # An address may itself read « blocked@… » or « user-unknown@… », a link's path « #filtered »: only the
    # server's words count (and a link's host: « spamhaus.org »).
    return ADDRESS.sub(" ", re.sub(r"https?://([^/\s]+)\S*", r" \1 ", text))


# --- Reading a notice ---------------------------------------------------------------------------------------

def _decoded(part: MailMessage) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _notice_text(mail: MailMessage) -> str:
    """The human-readable words of the notice, without the copy of the original message."""
    texts = []

    def walk(part: MailMessage) -> None:
        kind = part.get_content_type()
        if kind in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/delivery-status",
                    "message/global-delivery-status"):
            return
        if part.is_multipart():
            for sub in part.get_payload():
                walk(sub)
        elif kind.startswith("text/"):
            text = _decoded(part)
            if kind == "text/html":
                text = re.sub(r"<[^>]+>", " ", text)
            texts.append(text)

    walk(mail)
    text = "\n".join(texts)
    if not text.strip() and mail.is_multipart():
        # A malformed MIME structure hides the words: read the body as it comes, without MIME headers.
        body = mail.as_string().split("\n\n", 1)[-1]
        text = "\n".join(line for line in body.split("\n") if not re.match(r"(?i)(content-|--|boundary=)", line))
    cut = ORIGINAL_STARTS.search(text)
    return text[:cut.start()] if cut else text


def _delivery_status_blocks(mail: MailMessage) -> list[MailMessage]:
    """The per-recipient blocks of the delivery-status parts (the first block is about the report)."""
    blocks = []
    for part in mail.walk():
        if part.get_content_type() not in ("message/delivery-status", "message/global-delivery-status"):
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            raw = "\n".join(block.as_string() for block in payload)
        else:
            raw = payload or ""
        if str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "quoted-printable":
            raw = quopri.decodestring(raw.encode("utf-8", "replace")).decode("utf-8", "replace")
        elif str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64":
            raw = _decoded(part)
        for chunk in re.split(r"\n\s*\n", raw.replace("\r\n", "\n")):
            block = HeaderParser().parsestr(chunk.strip() + "\n")
            if block.get("Final-Recipient") or block.get("Original-Recipient"):
                blocks.append(block)
    return blocks


def _address(value) -> str:
    found = ADDRESS.search(str(value or "").split(";", 1)[-1])
    return found.group(0).lower() if found else ""


def _window(text: str, address: str, others: list[str]) -> str:
    """What the notice says about one address: from its first mention to the next other address's."""
    lowered = text.lower()
    start = lowered.find(address)
    if start < 0:
        return ""
    ends = [i for other in others if other != address and (i := lowered.find(other, start + len(address))) > 0]
    return text[max(0, start - 200):min(ends + [start + 1500])]


def _command(text: str) -> str:
    """The SMTP command the refusal answered (the last one named before the reply, in a transcript). A
    client that pipelines sends RCPT TO and DATA at once: when the server answers DATA with « no valid
    recipients », the refusal before it was the recipient's."""
    best, where = "", -1
    for pattern, name in COMMANDS:
        for found in pattern.finditer(text):
            if found.start() > where:
                best, where = name, found.start()
    if best == "DATA" and PIPELINED.search(text):
        return "RCPT"
    return best


def _original_message_id(mail: MailMessage, raw: bytes) -> str:
    for part in mail.walk():
        kind = part.get_content_type()
        original = None
        if kind == "message/rfc822" and isinstance(part.get_payload(), list) and part.get_payload():
            original = part.get_payload()[0]
        elif kind in ("text/rfc822-headers", "message/rfc822-headers"):
            original = HeaderParser().parsestr(_decoded(part))
        if original is not None:
            found = MESSAGE_IDS.findall(str(original.get("Message-ID", "")))
            if found:
                return found[0]
    # Inline copies: the original's headers follow the notice in the body; its Message-ID is the last
    # one named there (the notice's own is in the headers of the bounce, not in its body).
    body = raw.split(b"\r\n\r\n", 1)[-1] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[-1]
    found = re.findall(rb"(?im)^message-id:\s*<([^<>\s]+)>", body)
    return found[-1].decode("ascii", "replace") if found else ""


def _looks_like_a_bounce(mail: MailMessage, notice: str) -> bool:
    sender = re.sub(r"[-_. ]", "", str(mail.get("From", "")).lower())
    subject = str(mail.get("Subject", "")).lower()
    if any(word in sender for word in ("mailerdaemon", "postmaster", "maildelivery")):
        return True
    if mail.get("Return-Path", "").strip() == "<>" and STATUS.search(notice):
        return True
    return any(word in subject for word in (
        "undeliver", "undelivered", "delivery status notification", "delivery failure", "delivery failed",
        "failure notice", "returned mail", "mail delivery", "non remis", "non recapitabile", "unzustellbar",
        "could not be delivered", "delivery has failed", "mail system error", "delivery notification"))


def _ses_notification(notice: str) -> BounceReport | None:
    """Amazon SES's bounce notification forwarded as mail (its JSON)."""
    start = notice.find("{")
    if start < 0 or "notificationType" not in notice and '"Type"' not in notice:
        return None
    try:
        data, _end = json.JSONDecoder().raw_decode(notice[start:])
    except ValueError:
        return None
    if isinstance(data.get("Message"), str):
        try:
            data = json.loads(data["Message"])
        except ValueError:
            return None
    kind = data.get("notificationType") or data.get("eventType")
    mail_info = data.get("mail") or {}
    report = BounceReport(original_message_id=str((mail_info.get("commonHeaders") or {}).get("messageId", "")
                                                  ).strip("<>"))
    if kind != "Bounce":
        return report  # a delivery or a complaint: nothing failed
    bounce = data.get("bounce") or {}
    permanent = bounce.get("bounceType") == "Permanent"
    for recipient in bounce.get("bouncedRecipients") or []:
        address = _address(recipient.get("emailAddress"))
        status, diagnostic = str(recipient.get("status", "")), str(recipient.get("diagnosticCode", ""))
        hard = permanent and failure_is_hard(status=status, diagnostic=diagnostic, action=recipient.get("action", ""))
        if address:
            report.failures.append(Failure(address, hard, status, f"{status} {diagnostic}".strip()[:500]))
    return report


def bounce_read(raw: bytes) -> BounceReport | None:
    """The failures a delivery-failure notice reports, or None when the mail is not one (a reply)."""
    mail = email.message_from_bytes(raw)
    notice = _notice_text(mail)
    ses = _ses_notification(notice) if "amazonses" in notice.lower() or "notificationType" in notice else None
    if ses is not None:
        return ses
    blocks = _delivery_status_blocks(mail)
    try:
        temporary, permanent = all_failures(mail)
    except Exception:  # noqa: BLE001 — a detector choking on a malformed notice leaves the other readings
        temporary, permanent = frozenset(), frozenset()
    detected = {a.decode("utf-8", "replace").lower() if isinstance(a, bytes) else str(a).lower()
                for a in (*permanent, *temporary)}
    detected = {_address(a) for a in detected} - {""}
    is_report = mail.get_content_type() == "multipart/report" or bool(blocks)
    if not (is_report or detected or _looks_like_a_bounce(mail, notice)):
        return None
    report = BounceReport(original_message_id=_original_message_id(mail, raw))
    # The notice's own sender and whoever it is addressed to (us): never a failed recipient.
    own = {_address(mail.get(name)) for name in ("From", "To", "Return-Path", "Delivered-To")} - {""}
    seen: set[str] = set()
    entries: list[tuple[str, str, str, str, str]] = []  # address, action, status, diagnostic, its type
    for block in blocks:
        # The address we wrote to (Original-Recipient), before the server's aliases (Final-Recipient).
        address = _address(block.get("Original-Recipient")) or _address(block.get("Final-Recipient"))
        if not address or address in seen:
            continue
        seen |= {address, _address(block.get("Final-Recipient"))}
        kind, _semicolon, diagnostic = str(block.get("Diagnostic-Code", "")).rpartition(";") if ";" in str(
            block.get("Diagnostic-Code", "")) else ("", "", str(block.get("Diagnostic-Code", "")))
        entries.append((address, str(block.get("Action", "")), str(block.get("Status", "")), diagnostic,
                        kind.strip().lower()))
    # Mailman's detectors may take a Message-ID for an address: those are nobody's.
    message_ids = {found.lower() for found in re.findall(r"(?i)message-id:\s*<([^<>\s]+)>",
                                                          raw.decode("utf-8", "replace"))}
    for address in sorted(detected - seen - own - message_ids):
        seen.add(address)
        entries.append((address, "", "", "", ""))
    if not entries:
        entries = [(address, "", "", "", "") for address in _named_in(notice, own)]
    everyone = [entry[0] for entry in entries]
    for address, action, status, diagnostic, diagnostic_type in entries:
        said = _window(notice, address, everyone)
        command = _command(said) or _command(diagnostic)
        hard = failure_is_hard(status=status, diagnostic=diagnostic, notice=said or notice[:2000], command=command,
                               action=action, diagnostic_type=diagnostic_type)
        reason = " ".join(f"{STATUS.search(status).group(0) if STATUS.search(status) else ''} "
                          f"{diagnostic or _first_reply(said)}".split())
        report.failures.append(Failure(address, hard, STATUS.search(status).group(0) if STATUS.search(status)
                                       else "", reason[:500]))
    return report


def _named_in(notice: str, own: set[str]) -> list[str]:
    """The addresses a notice no detector read names as failed: those a server's reply or a verdict
    follows, else the first one named (never the notice's own sender, a postmaster or us)."""
    named = []
    for found in ADDRESS.finditer(notice):
        address = found.group(0).lower()
        if address in own or address in named or address.startswith(("postmaster@", "mailer-daemon@")):
            continue
        named.append(address)
    followed = [address for address in named if _followed_by_a_reply(notice, address)]
    return followed or named[:1]


def _followed_by_a_reply(notice: str, address: str) -> bool:
    start = notice.lower().find(address) + len(address)
    after = _without_addresses(notice[start:start + 300])
    return bool(re.search(r"\b[45]\d\d\b|\b[45]\.\d{1,3}\.\d{1,3}\b", after) or ADDRESS_GONE.search(after)
                or ADDRESS_UNKNOWN.search(after) or DOMAIN_GONE.search(after) or DELIVERY_ONLY.search(after))


def _first_reply(text: str) -> str:
    """The server's reply in a notice's words: the first line carrying an SMTP code, else the gist."""
    found = re.search(r"\b[245]\d\d[ -][^\n]{3,300}", text)
    return found.group(0) if found else " ".join(text.split())[:300]
