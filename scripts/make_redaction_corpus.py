"""Write the labelled free-text corpus that tests/test_redaction.py measures redaction on.

Run from the repository root: ``python scripts/make_redaction_corpus.py``. The test checks
that the committed ``tests/fixtures/redaction/corpus.jsonl`` is what this script writes, so
edit the script, never the corpus.

Each line is one answer as a respondent might type it into the "anything else?" box:
``{"id", "text", "planted": [{"start", "end", "kind", "value"}]}``. Planted answers put one
or two identifiers (made-up, from documentation ranges where there are any: 555 phone
numbers, 192.0.2.0/24, 2001:db8::/32, example.org) into sentence frames, 30 answers per
kind and 40 with two kinds; clean answers (no identifier, written by hand with the numbers,
dates, times, prices, versions and place words that real answers hold) must come out
unchanged. A planted span covers exactly what must go (the parentheses of "(617)", the
postcode and town of an address); a town named on its own is not an identifier.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "redaction" / "corpus.jsonl"
SEED = 20261201

VALUES: dict[str, list[str]] = {
    "email": [
        "zelda.quartermain@example.org", "ZQ_dances@example.com", "sam+tiktok@mail.example.net",
        "j.okafor@students.example.ac.uk", "lena-fischer@example.de", "mateo99@example.es",
        "priya.s@uni.example.edu", "hello@zeldaq.example", "x_y.z@example.io",
        "Rosa.Costa@Example.ORG", "kemal.yilmaz@example.com.tr",
        "first_last@sub.domain.example.co.uk", "zelda [at] example [dot] org",
    ],
    "url": [
        "https://www.tiktok.com/@zeldaq_dances/video/7301234567890123456",
        "http://example.org/my-page", "www.zeldaquartermain.example.com",
        "linktr.ee/zeldaq", "tiktok.com/@sam.dances", "youtube.com/watch?v=dQw4w9WgXcQ",
        "https://instagram.com/lena.f/", "https://bit.ly/3xYzAbc",
        "zelda.substack.com", "https://example.net/u/12345?ref=tiktok&lang=en",
        "https://docs.google.com/forms/d/e/1FAIpQLSf/viewform", "www.example.org/about-me",
        "snapchat.com/add/zeldaq", "http://192.0.2.5:8080/cam",
    ],
    "handle": [
        "@zeldaq_dances", "@sam.dances", "@lena_f", "@Mateo99", "@priya.sings", "@the_real_jun",
        "@kemal.y", "@ada_lovelace_fan", "@r0sa", "@uma.draws.things", "@_underscore_", "@abc",
    ],
    "ip": [
        "203.0.113.77", "192.0.2.14", "198.51.100.250", "192.0.2.1",
        "2001:db8::1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:0:1::42",
        "203.0.113.5", "fe80::1ff:fe23:4567:890a", "198.51.100.7", "10.0.0.138", "::1",
        "2001:db8:1234:5678:9abc:def0:1234:5678",
    ],
    "phone": [
        "(617) 555-0199", "617-555-0123", "617.555.0142", "+1 617 555 0199", "+1 (415) 555-2671",
        "+44 20 7946 0958", "020 7946 0958", "07700 900123", "+44 7700 900456",
        "+49 30 123456", "+49 30 1234 5678", "030 1234567", "0171 2345678", "+49 171 2345678",
        "+33 6 12 34 56 78", "06 12 34 56 78", "+31 6 12345678", "+39 06 6982 1234",
        "+34 612 34 56 78", "0044 20 7946 0958", "+1-202-555-0173", "(202) 555 0173",
        "+353 1 234 5678", "+41 44 668 18 00", "+32 2 123 45 67", "0049 30 1234567",
        "+44 (0)20 7946 0958", "07911 123456", "+49 (0)30 123456",
    ],
    "address": [
        "17 Larkspur Crescent, Bristol BS8 4QT", "Flat 2, 45 Elm Grove, Leeds LS6 2AB",
        "221B Baker Street", "742 Evergreen Terrace, Springfield, OR 97403",
        "350 Fifth Avenue, New York, NY 10118", "12 Oak St.", "9 Kings Road",
        "Hauptstraße 12, 10115 Berlin", "Berliner Straße 5a", "Kastanienallee 77, 10435 Berlin",
        "Keizersgracht 123, 1015 CJ Amsterdam", "Damstraat 5", "12 rue de la Paix, 75002 Paris",
        "5 avenue Victor Hugo, 69002 Lyon", "Via Roma 10, 00184 Roma", "Piazza Navona 45",
        "Calle Mayor 5, 28013 Madrid", "88 Mill Lane, Cambridge CB2 1RX",
        "1600 Amphitheatre Parkway", "3 Church Road", "10 Downing Street, London SW1A 2AA",
        "4 Privet Drive", "Apt 5B, 200 Park Avenue", "Schillerstraße 3, 80336 München",
        "Oudegracht 200, 3511 NT Utrecht", "Prinsengracht 263-267", "Calle de Alcalá 50",
        "Via del Corso 12, 00186 Roma",
        "1 Infinite Loop, Cupertino, CA 95014",
    ],
    "postcode": ["BS8 4QT", "SW1A 1AA", "M1 1AE", "EH1 2NG", "1015 CJ", "3512 JE", "02118",
                 "90210", "10115", "80331", "75011", "69002", "SE1 9GF", "W1A 0AX", "CF10 1EP",
                 "2511 BT", "10001", "20095"],
    "id": ["20231234", "s2412345", "1234567", "987654", "u7654321", "202400123", "k1927364",
           "3141592", "S0012345", "100234567"],
}

# Frames: {x} is the identifier; frames are chosen so the text around it is ordinary prose.
FRAMES: dict[str, list[str]] = {
    "email": ["write to me at {x} if you want to collab", "my email is {x}",
              "email: {x}", "contact {x}.", "i can send the edit, mail me ({x})",
              "{x} is my school mail lol"],
    "url": ["my best video: {x}", "check out {x} for my edits", "({x})", "link is {x}.",
            "see {x}, it went viral", "everything is on {x}!"],
    "handle": ["follow me {x} :)", "i'm {x} on tiktok", "my friend {x} got me into it",
               "({x})", "duet me at {x}!", "dm {x}"],
    "ip": ["my laptop's ip is {x} if that matters", "it said blocked for {x}",
           "ip: {x}.", "the router showed {x} and then crashed", "({x})", "from {x}, twice"],
    "phone": ["text me {x}", "call me on {x} after school", "my number: {x}.",
              "whatsapp ({x}) is easier", "{x} is my mum's phone, don't call", "ring {x}!"],
    "address": ["I live at {x}, come by", "i live at {x}", "my address is {x}.",
                "send stuff to {x} pls", "we filmed outside {x} last week",
                "moved to {x} in june"],
    "postcode": ["my postcode is {x}", "postcode: {x}", "zip code {x}", "I'm in {x} btw",
                 "PLZ {x}", "code postal {x}"],
    "id": ["student number {x}", "my student id is {x}", "matriculation no. {x}",
           "id {x} in case you need it", "({x})", "this is {x} from year 10"],
}

# Postcodes need their own frames: a bare five-digit code is only a postcode with a cue or a
# town after it, a US ZIP with its state before it.
POSTCODE_FRAMES = {
    "02118": ["Boston, MA {x} is where i grew up", "zip {x}"],
    "90210": ["zip code {x} lol", "LA, CA {x}"],
    "10115": ["{x} Berlin is my area", "PLZ {x}"],
    "80331": ["we live in {x} München", "PLZ: {x}"],
    "75011": ["{x} Paris, near the canal", "code postal {x}"],
    "69002": ["{x} Lyon", "code postal: {x}"],
    "1015 CJ": ["postcode {x} Amsterdam", "{x} Amsterdam"],
    "3512 JE": ["{x} Utrecht", "I'm in {x}"],
    "2511 BT": ["{x} Den Haag", "postcode {x}"],
    "10001": ["New York, NY {x}", "zip: {x}"],
    "20095": ["{x} Hamburg", "PLZ {x}"],
}

CLEAN = [
    "i love the dance trends and the funny videos",
    "I use TikTok about 2-3 hours a day, mostly after 9pm",
    "got 1,200 followers last month, my best video had 250000 views",
    "started in 2021, deleted it in 2023, came back in march",
    "Honestly 10/10 app but it eats my time",
    "I post 3 times a week and edit in CapCut",
    "my iPhone 15 battery dies from TikTok in like 4 hours",
    "the survey was fine, question 12 was confusing",
    "I watch cooking videos, 5 minute recipes mostly",
    "Spring 2024 was when I got really into it",
    "I found it via YouTube Shorts first",
    "It's 24/7 content, I can't stop scrolling at 1:30 am",
    "we did a trend at school on 12.03.2024 and it got 3000 likes",
    "10000 followers is my goal for this year",
    "the app costs nothing but coins are $10.99 for 700",
    "around 45% of my feed is football",
    "I rate my wellbeing 4/5 most days",
    "Main Street vibes in the new filter are cute",
    "my favourite street food videos are from Bangkok",
    "I live in a small town and TikTok shows me the world",
    "We moved house last year so I used it more",
    "from 8:00 to 8:30 before school, then again at night",
    "version 34.2 broke the drafts feature",
    "I have 2 accounts, one private",
    "my mum is on it too, which is awkward",
    "I think the algorithm knows me better than my friends",
    "No comment",
    "nothing to add :)",
    "the questions about self-esteem made me think",
    "I sometimes compare myself to influencers with 1M followers",
    "London, Paris and Berlin creators are my favourites",
    "I'm 16 and in year 11",
    "I spend less time on it during exams (maybe 30 min)",
    "Road trips and travel vlogs are the best",
    "I learned to cook 5 dishes from TikTok",
    "made my first video with 15 seconds of music",
    "my screen time says 6h 12m yesterday",
    "I don't post, I only watch",
    "I got 2nd place in a dance challenge at school",
    "It helps me relax after practice on Tuesday and Thursday",
    "maybe add a question about Instagram Reels?",
    "5 stars, good survey",
    "I once had a video with 87,000 views and it was scary",
    "sometimes I feel bad after scrolling for 2 hours",
    "the 7-point scale questions were hard to answer",
    "my sister (14) uses it more than me",
    "Live streams at 20:00 are my favourite",
    "I use it in English and in Spanish",
    "the For You page is 80% cats",
    "I like the Oak Street bakery account",
    "TikTok Shop ads are annoying",
    "I bought a hoodie for £25 because of an ad",
    "the 2022 World Cup edits got me hooked",
    "studying with #studytok helps me focus for 25 minutes",
    "i turned off notifications in september",
    "I do 10000 steps challenges with my friends",
    "It's fine. 3.5 out of 5",
    "in grade 9 everyone started using it",
    "I watch at 0.5x speed to learn the dances",
    "some videos are 10 minutes long now, too long",
    "I think about 100 of my followers are bots",
    "We filmed on the Golden Gate Bridge on holiday",
    "question 3 and question 4 seemed the same",
    "I'd say 1 in 10 videos is actually useful",
    "I watch news on it, mostly about the election",
    # written after the patterns, and run once without changing them: 0 of these 40 changed
    "I was born in 2009 and got TikTok at 12",
    "my top score in the game is 123456 points",
    "I have watched 1000000 videos lol",
    "Room 101 at school is where we film",
    "Route 66 road trip videos are my favourite",
    "Area 51 memes were the best in 2019",
    "Apollo 11 documentary clips are cool",
    "1984 by Orwell is on BookTok a lot",
    "Maroon 5 and Blink-182 songs in my edits",
    "Windows 11 and iOS 17.2.1 both run it fine",
    "GTA 6 trailer had 90 million views",
    "FIFA 24 clips, PS5 gameplay",
    "I scored 95/100 on my test thanks to StudyTok",
    "we meet at 12:45pm on Fridays",
    "2/3 of my friends use it daily",
    "#fyp #foryou #dance",
    "we were @ the park filming",
    "+1 to the question about sleep",
    "I'm 5 ft 6 and the height trend annoyed me",
    "10.5 hours of screen time on Saturday",
    "Studio 54 style outfits trend",
    "Ocean's 11 edits",
    "my class is 10B and we have 28 students",
    "Section 3 of the survey was long",
    "Grade 8, age 14",
    "I earned 2500 coins and 300 diamonds",
    "the 3 Musketeers filter is funny",
    "Level 200 in the app's game",
    "I post at 7 pm GMT",
    "we went to Paris and London in May 2023",
    "tested on version 32.5.4 of the app",
    "my phone is a Samsung A52",
    "I use 2 phones, 1 tablet",
    "the video from 14.02.2024 got 12k likes",
    "12 Days of Christmas trend",
    "I follow 350 accounts and 20 are friends",
    "It took 1-2 weeks to get 1k followers",
    "I live in the UK now, used to live in Spain",
    "Top 10 Places To Visit videos",
    "at home 90% of the time",
]


def frames_for(kind: str, value: str) -> list[str]:
    """The sentence frames an identifier of ``kind`` is planted in."""
    if kind == "postcode":
        return POSTCODE_FRAMES.get(value, ["my postcode is {x}", "postcode: {x}",
                                           "I'm in {x} btw", "({x})"])
    return FRAMES[kind]


def _place(frame: str, value: str, kind: str) -> tuple[str, list[dict]]:
    start = frame.index("{x}")
    text = frame.replace("{x}", value)
    return text, [{"start": start, "end": start + len(value), "kind": kind, "value": value}]


def build() -> list[dict]:
    rng = random.Random(SEED)
    records: list[dict] = []
    kinds = list(VALUES)

    def planted(kind: str) -> tuple[str, list[dict]]:
        value = rng.choice(VALUES[kind])
        return _place(rng.choice(frames_for(kind, value)), value, kind)

    for kind in kinds:
        for _ in range(30):
            text, spans = planted(kind)
            if rng.random() < 0.25:  # people capitalise the first word, or not
                text = text[0].upper() + text[1:]
            records.append({"text": text, "planted": spans})
    for _ in range(40):
        a, b = rng.sample(kinds, 2)
        first, s1 = planted(a)
        second, s2 = planted(b)
        joiner = rng.choice([". also ", ", or ", " - ", "; "])
        offset = len(first) + len(joiner)
        for s in s2:
            s["start"] += offset
            s["end"] += offset
        records.append({"text": first + joiner + second, "planted": s1 + s2})
    records += [{"text": t, "planted": []} for t in CLEAN]
    for k, r in enumerate(records):
        r["id"] = k
        for s in r["planted"]:
            assert r["text"][s["start"]:s["end"]] == s["value"], (r, s)
    return [{"id": r["id"], "text": r["text"], "planted": r["planted"]} for r in records]


def write(path: Path = OUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=False) for r in build()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write()}")
