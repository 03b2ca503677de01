"""The Python API end to end: answers, citations, abstention, follow-ups, errors and speed."""

import json
import shutil
import statistics
import time
from pathlib import Path

import pytest
from conftest import CORPUS, DATA

from assistant import Answer, Assistant, AssistantError, Citation
from assistant.ask.extractive import ExtractiveAnswerer
from assistant.ask.questions import analyse
from assistant.errors import InvalidQuestionError

DEV_SET = [json.loads(line) for line in (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]


def test_dev_set_is_rich_enough():
    kinds = [q["kind"] for q in DEV_SET]
    assert len(DEV_SET) >= 40
    assert sum(not q["answerable"] for q in DEV_SET) >= 10
    assert kinds.count("nearmiss") >= 5 and sum(bool(q["history"]) for q in DEV_SET) >= 4
    assert {"factual", "numeric", "paraphrase", "multihop", "keyword", "unanswerable"} <= set(kinds)


def test_every_citation_quotes_its_source_exactly(seed_bot):
    corpus = seed_bot.settings.corpus_dir
    cited = 0
    for q in DEV_SET:
        answer = seed_bot.ask(q["question"], q["history"])
        assert len(answer.text.split()) <= 50 + 2 * len(answer.citations), answer.text
        assert answer.abstained == (not answer.citations)
        for c in answer.citations:
            assert isinstance(c, Citation) and f"[{c.n}]" in answer.text
            assert (corpus / c.source).read_text(encoding="utf-8")[c.start : c.end] == c.quote
            cited += 1
    assert cited >= 35


def test_tsmc_answer_is_short_and_cited(seed_bot):
    answer = seed_bot.ask("How much did TSMC's factory in southern Japan cost?")
    assert not answer.abstained and "$8.6 billion" in answer.text
    assert answer.text.endswith("[1]") and "8.6 billion" in answer.citations[0].quote
    assert answer.citations[0].heading == "Geopolitical Considerations and Energy Concerns"
    data = json.loads(json.dumps(answer.to_dict()))
    assert Answer.from_dict(data) == answer


@pytest.mark.parametrize(
    "question",
    [
        "How much will the Rapidus project cost?",  # the topic is there, the amount is not
        "In which city is TSMC's factory in Japan located?",  # no city is named
        "Who is the CEO of TSMC?",  # no such person
        "What is the capital of France?",
    ],
)
def test_abstains_plainly_without_citations(seed_bot, question):
    answer = seed_bot.ask(question)
    assert answer.abstained and answer.citations == []
    assert answer.text.startswith("The sources don't")
    assert "trillion" not in answer.text and "billion" not in answer.text


def test_follow_up_resolves_it_from_history(seed_bot):
    history = [("Which Taiwanese company opened a factory in southern Japan?", seed_bot.ask("Which Taiwanese company opened a factory in southern Japan?").text)]
    answer = seed_bot.ask("How much did it cost?", history=history)
    assert "8.6 billion" in answer.text
    assert "TSMC" in answer.retrieval_query
    # the same words with no history have nothing to resolve against
    assert "8.6 billion" not in seed_bot.ask("How much did it cost?").text


@pytest.mark.parametrize("question, match", [("", "empty"), ("   \n", "empty"), ("x" * 2001, "2001 characters")])
def test_bad_questions_raise_the_package_error(seed_bot, question, match):
    with pytest.raises(AssistantError, match=match) as info:
        seed_bot.ask(question)
    assert isinstance(info.value, InvalidQuestionError)


def test_warm_answers_repeat_exactly_and_latency_is_reported(seed_bot, record_property):
    """Warm answers are deterministic; their latency is a measurement (in the report), not a gate."""
    questions = [q for q in DEV_SET]
    first = [seed_bot.ask(q["question"], q["history"]).text for q in questions]
    times, again = [], []
    for q in questions:
        t0 = time.perf_counter()
        again.append(seed_bot.ask(q["question"], q["history"]).text)
        times.append(time.perf_counter() - t0)
    assert again == first
    p50, p95 = statistics.median(times), sorted(times)[int(0.95 * len(times))]
    record_property("warm_ask_p50_ms", round(p50 * 1000, 1))
    print(f"warm ask() p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")


def _pdf(path: Path, pages: list[str]) -> None:
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path))
    for text in pages:
        c.drawString(72, 720, text)
        c.showPage()
    c.save()


def test_html_and_pdf_documents_answer_with_offsets_and_pages(tmp_path):
    pytest.importorskip("reportlab")
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "osaka.html").write_text(
        "<html><head><title>Osaka Robotics Hub</title></head><body><h1>Osaka Robotics Hub</h1>"
        "<p>The Osaka robotics hub will receive 120 billion yen from the prefecture by 2028.</p>"
        "<p>Its director is Haruka Mori, a former Panasonic engineer.</p></body></html>",
        encoding="utf-8",
    )
    _pdf(corpus / "sapporo.pdf", ["Sapporo Data Centre Plan", "The Sapporo data centre will draw 300 megawatts of power from wind farms."])
    bot = Assistant(corpus_dir=corpus, index_dir=tmp_path / "index")
    bot.ingest(progress=False)

    from assistant.index.loading import load_file

    html = bot.ask("Who is the director of the Osaka robotics hub?")
    assert "Haruka Mori" in html.text and html.citations[0].source == "osaka.html"
    c = html.citations[0]
    assert load_file(corpus / c.source, corpus).page_content[c.start : c.end] == c.quote

    pdf = bot.ask("How much power will the Sapporo data centre draw?")
    assert "300 megawatts" in pdf.text
    c = pdf.citations[0]
    assert c.source == "sapporo.pdf" and c.page == 2
    assert load_file(corpus / c.source, corpus).page_content[c.start : c.end] == c.quote
    # the seed still answers beside them
    assert "8.6 billion" in bot.ask("How much did TSMC's factory in southern Japan cost?").text


def _bot_over(tmp_path: Path, name: str, text: str, with_seed: bool = False, **settings) -> Assistant:
    """An assistant over one Markdown report (beside the shipped article when ``with_seed``), ingested."""
    corpus = tmp_path / "corpus"
    if with_seed:
        shutil.copytree(CORPUS, corpus)
    else:
        corpus.mkdir()
    (corpus / name).write_text(text, encoding="utf-8")
    bot = Assistant(corpus_dir=corpus, index_dir=tmp_path / "index", **settings)
    bot.ingest(progress=False)
    return bot


def test_a_hyphenated_name_stands_when_the_report_names_each_party(tmp_path):
    # Questions join two parties ("Japan-UAE") that reports name apart; the answer must not be refused.
    bot = _bot_over(tmp_path, "energy-pact.md",
                    "# Gulf partnership\n\nJapan and the United Arab Emirates (UAE) agreed in Tokyo to co-fund a data "
                    "centre for AI research.\n\nThe framework agreement was signed by trade minister Kenji Arata and "
                    "Omar Al Hashimi, head of the Abu Dhabi investment office, in March 2025.\n", with_seed=True)
    answer = bot.ask("Who signed the Japan-UAE framework agreement?")
    assert not answer.abstained and "Kenji Arata" in answer.text
    assert answer.citations[0].source == "energy-pact.md"


def test_a_figure_for_another_measure_is_not_the_answer(tmp_path):
    # The report gives the lab's building cost and staff; asked for its annual budget or its revenue,
    # the answer is that the sources do not say, not the cost. Asked for the cost, it answers.
    bot = _bot_over(tmp_path, "lab.md",
                    "# Sendai photonics lab\n\nThe Sendai photonics lab opened in May 2025 after construction costing "
                    "42 billion yen, paid by the prefecture and three chipmakers.\n\nAbout 300 researchers work at "
                    "the lab, which is run by Tohoku University.\n")
    assert "42 billion yen" in bot.ask("How much did the construction of the Sendai photonics lab cost?").text
    for question in ("What is the annual operating budget of the Sendai photonics lab?",
                     "What annual revenue does the Sendai photonics lab earn?"):
        answer = bot.ask(question)
        assert answer.abstained and not answer.citations, (question, answer.text)


def test_an_amount_asked_in_a_currency_is_answered_in_it(tmp_path):
    bot = _bot_over(tmp_path, "fund.md",
                    "# Kyushu chip fund\n\nThe Kyushu chip fund was set up with 700 billion yen from the prefecture "
                    "and local banks.\n\nMeasured in US dollars, the fund comes to about $4.6 billion at current "
                    "rates.\n\n## Results\n\nIts profit rose 12% last year, the fund said.\n")
    answer = bot.ask("How much is the Kyushu chip fund worth in US dollars?")
    assert "$4.6 billion" in answer.citations[0].quote  # the yen figure may follow, never lead
    # A share is not a profit in dollars: nothing in the report answers that. (The profit is told in a
    # section of its own: the measure is looked for in the figure's whole passage, so a passage naming
    # "profit" beside a dollar value would pass for it.)
    assert bot.ask("What was the Kyushu chip fund's profit in dollars last year?").abstained


def test_a_rate_asked_per_month_is_not_answered_per_year(tmp_path):
    bot = _bot_over(tmp_path, "fab.md",
                    "# Kumamoto wafer fab\n\nAt full capacity the Kumamoto fab will turn out 480,000 wafers a year "
                    "for carmakers and camera makers.\n")
    assert "480,000 wafers a year" in bot.ask("How many wafers a year will the Kumamoto fab turn out?").text
    assert bot.ask("How many wafers per month will the Kumamoto fab turn out?").abstained


def test_a_count_of_another_kind_is_no_answer(tmp_path):
    # Asked for construction jobs, a count of manufacturing jobs is a near-miss; asked for those, it answers.
    bot = _bot_over(tmp_path, "plant.md",
                    "# Nagoya power-chip plant\n\nThe Nagoya power-chip plant is expected to create about 900 "
                    "manufacturing jobs once it runs at full capacity in 2028.\n")
    assert "900" in bot.ask("How many manufacturing jobs will the Nagoya power-chip plant create?").text
    answer = bot.ask("How many construction jobs will the Nagoya power-chip plant create?")
    assert answer.abstained and not answer.citations, answer.text


def test_a_price_per_share_is_not_answered_with_the_deal_s_total(tmp_path):
    bot = _bot_over(tmp_path, "stake.md",
                    "# Government stake in Kioku Memory\n\nThe government will pay 300 billion yen for a 10% stake in "
                    "Kioku Memory, the ministry said on Monday.\n")
    assert "300 billion yen" in bot.ask("How much will the government pay for its stake in Kioku Memory?").text
    answer = bot.ask("What price per share will the government pay for its stake in Kioku Memory?")
    assert answer.abstained and not answer.citations, answer.text


def test_itself_asks_for_the_named_party_s_own_share(tmp_path):
    # "the cabinet itself": the cabinet's own figure, found by the noun; a firm named among several
    # that pay together has no figure of its own in the report.
    bot = _bot_over(tmp_path, "plan.md",
                    "# The Harbor chip plan\n\nThe Harbor chip plan is worth 2.5 billion euros in all. The cabinet's "
                    "own share is 1.73 billion euros; the rest comes from the province.\n\nA group of twelve firms "
                    "led by Asahi Optics, Koyo Tools and Mirai Glass will contribute 219 million euros to the plan's "
                    "housing fund.\n")
    assert "1.73 billion" in bot.ask("How much does the cabinet itself contribute to the Harbor chip plan?").text
    answer = bot.ask("How much did Koyo Tools itself put into the Harbor plan's housing fund?")
    assert answer.abstained and not answer.citations, answer.text


def test_a_bound_on_a_share_is_no_measure_and_any_title_fills_a_generic_role(tmp_path):
    # "What minimum share": "minimum" bounds the figure, it names nothing a report must say; "which
    # executive" is answered by whoever holds a title at the company.
    bot = _bot_over(tmp_path, "order.md",
                    "# Ordered sale of the Oita fab\n\nThe ministry ordered Horizon Chips to sell at least 86% of the "
                    "Oita fab within six months.\n\nThe plan was announced by Mika Arai, president of Horizon Chips' "
                    "foundry unit, at a briefing in Oita.\n")
    assert "86%" in bot.ask("What minimum share of the Oita fab was Horizon Chips ordered to sell?").text
    assert "Mika Arai" in bot.ask("Which Horizon Chips executive announced the plan?").text


def test_a_sentence_opening_with_the_question_s_noun_speaks_of_its_subject(tmp_path):
    # "The holding is chaired by ..." is about the holding the question names, though the report
    # named HTH paragraphs before.
    filler = ("Its first stakes went to a wafer plant, two design houses and a packaging start-up, and more are "
              "planned for the coming years as the country tries to rebuild an industry it lost in the 1990s. ") * 3
    bot = _bot_over(tmp_path, "holding.md",
                    "# A new state investor\n\nThe government set up the Harbor Technology Holding (HTH) in 2024 to "
                    f"manage its chip money.\n\n{filler}\n\nThe holding is chaired by Ana Ruiz, a former deputy "
                    "minister, and run by an engineer.\n")
    answer = bot.ask("Who chairs the state technology holding HTH?")
    assert "Ana Ruiz" in answer.text, answer.text


def test_a_trimmed_sentence_keeps_the_figure_beside_the_asked_words():
    # A sentence listing four sums, trimmed to 24 words, keeps the one asked for, though a window over
    # the other three holds more figures.
    text = ("The Harbor region fund, which twelve port companies set up last year, will spend 189 million euros on "
            "infrastructure such as cycle paths, bus lines and park-and-ride hubs around the old harbour and the "
            "station, 10 million euros on talent, 5 million euros on housing and 15 million euros on a social programme.")
    facts = ("189 million euros", "10 million euros", "5 million euros", "15 million euros")
    question = analyse("How much of the Harbor region fund goes to infrastructure?")
    assert "189 million euros on infrastructure" in ExtractiveAnswerer._trim(text, question, facts, 24)


def test_a_second_sentence_for_a_person_names_one(tmp_path):
    # The answer's first sentence lacks the question's place; a second sentence that has it but names
    # no person adds words, not an answer.
    bot = _bot_over(tmp_path, "fab.md",
                    "# New fab\n\nThe new facility will be managed by Mira Sato, who ran the company's Kumamoto line.\n\n"
                    "Harbor Chips, the largest employer in Oita, has cut jobs at its old Oita fab this year.\n")
    answer = bot.ask("Who will manage Harbor Chips' new fab in Oita?")
    assert "Mira Sato" in answer.text and len(answer.citations) == 1, answer.text


def test_a_cost_is_answered_with_money_not_another_quantity(tmp_path):
    # Asked what the machine cost, its performance in exaflops is no answer; asked its performance, it is.
    bot = _bot_over(tmp_path, "machine.md",
                    "# Sapporo AI machine\n\nThe Sapporo AI machine delivers more than 12 exaflops of 8-bit "
                    "performance from 3,000 accelerators.\n\nIt is run by Hokkaido University for researchers "
                    "across Japan.\n")
    assert "12 exaflops" in bot.ask("How much AI performance does the Sapporo AI machine deliver?").text
    answer = bot.ask("How much did the Sapporo AI machine cost to build?")
    assert answer.abstained and not answer.citations, answer.text


def test_a_count_of_something_else_and_a_person_in_another_role_are_no_answer(tmp_path):
    # "The first of two factories" counts factories, not people, even told to employees; the head of the chipmaker is not the
    # minister who came. Asked what the report does say, the answer comes.
    bot = _bot_over(tmp_path, "plant.md",
                    "# Hiroshima memory plant\n\nThe chipmaker told employees on Friday that the first of two "
                    "factories at the Hiroshima site would open in 2027.\n\nChief executive Kenta Mori said the plant would make memory for AI "
                    "servers.\n\nTrade minister Aiko Sato attended the opening ceremony with the mayor.\n")
    assert bot.ask("How many people will work at the Hiroshima memory plant?").abstained
    assert "two" in bot.ask("How many factories will the Hiroshima site have?").text
    answer = bot.ask("Which minister attended the Hiroshima plant's opening ceremony?")
    assert "Aiko Sato" in answer.citations[0].quote, answer.text
    assert bot.ask("Who is the plant manager of the Hiroshima memory plant?").abstained


def test_a_trimmed_sentence_keeps_figures_glued_to_their_units():
    from assistant.ask.extractive import ExtractiveAnswerer
    from assistant.ask.questions import analyse

    text = ("The operator is looking for a private partner to build one of the country's biggest AI data centres "
            "on the site of the old fusion experiment, starting at 100MW and scaling up to 500MW.")
    question = analyse("What capacity is planned for the data centre?")
    assert "500MW" in ExtractiveAnswerer._trim(text, question, ("100", "500"), 12)


def test_a_trimmed_sentence_keeps_the_unit_of_its_figure():
    from assistant.ask.extractive import ExtractiveAnswerer
    from assistant.ask.questions import analyse

    text = ("Abu Dhabi's investment company MGX and Nvidia will team up with French partners to build what they "
            "call the largest AI campus in Europe, in the Paris region, with a planned capacity of 1.4 gigawatts "
            "at full build-out.")
    question = analyse("What capacity will the AI campus in the Paris region have?")
    assert "1.4 gigawatts" in ExtractiveAnswerer._trim(text, question, ("1.4",), 20)


def test_a_figure_stated_of_another_subject_in_the_same_report_is_no_answer(tmp_path):
    # The report names both plants, but gives the site's size only for the Nagasaki plant: asked the
    # Kumamoto fab's, the answer is that the sources do not say. Asked the Nagasaki plant's, it answers.
    bot = _bot_over(tmp_path, "kyushu.md",
                    "# Kyushu chip projects\n\nThe Kumamoto fab, run by JASM, will employ about 1,700 people from "
                    "2027.\n\nSony is also building a packaging plant in Nagasaki. The new plant will use most of a "
                    "20-hectare site near the port. Officials said the site was chosen for its water supply.\n")
    assert "20-hectare" in bot.ask("How many hectares will Sony's Nagasaki plant use?").text
    assert "1,700" in bot.ask("How many people will the Kumamoto fab employ?").text
    answer = bot.ask("How many hectares does the Kumamoto fab site cover?")
    assert answer.abstained and not answer.citations, answer.text


def test_jobs_are_counted_in_any_word_that_counts_heads(tmp_path):
    # "How many jobs" names a head count: a report that says "employ about 400 people" answers it.
    bot = _bot_over(tmp_path, "centre.md",
                    "# Osaka design centre\n\nThe Osaka design centre opened in April. It will employ about 400 "
                    "people by 2028, most of them circuit designers.\n")
    assert "400" in bot.ask("How many jobs will the Osaka design centre create?").text


def test_a_share_of_a_whole_is_not_answered_with_the_whole(tmp_path):
    # Asked how much of the fund goes to one programme, the fund's total is no answer; the part the
    # report does give is.
    bot = _bot_over(tmp_path, "fund.md",
                    "# Kyushu chip fund\n\nThe Kyushu chip fund will spend 700 billion yen over five years on "
                    "fabs, design and training. Of that, 90 billion yen is set aside for the design academy in "
                    "Fukuoka.\n")
    answer = bot.ask("How much of the Kyushu chip fund goes to the packaging programme?")
    assert answer.abstained and not answer.citations, answer.text
    assert "90 billion yen" in bot.ask("How much of the Kyushu chip fund goes to the design academy?").text
    # what the money went into is named by the figure too
    assert bot.ask("How much has the Kyushu chip fund invested in packaging so far?").abstained


def test_a_place_that_only_describes_a_company_is_not_required(tmp_path):
    # Reports name the company ("Rapidus"), not the description a reader uses ("the Tokyo chip start-up").
    bot = _bot_over(tmp_path, "rapidus.md",
                    "# Rapidus subsidy\n\nThe industry ministry will give Rapidus another 800 billion yen to "
                    "finish its 2-nanometre pilot line in Chitose.\n")
    answer = bot.ask("How much more will the Tokyo chip start-up receive from the industry ministry?")
    assert not answer.abstained and "800 billion yen" in answer.text, answer.text


def test_a_capital_standing_for_its_government_is_present_where_its_country_is(tmp_path):
    # News asks "How much will Ottawa give ..." of a report that says "the Canadian government";
    # a capital named as a place ("a plant in Ottawa") must still stand by the figure.
    bot = _bot_over(tmp_path, "foundry.md",
                    "# Foundry grant\n\nThe Canadian government will give Maple Foundry 400 million dollars to "
                    "build a wafer plant in Bromont.\n")
    answer = bot.ask("How much will Ottawa give Maple Foundry?")
    assert not answer.abstained and "400 million dollars" in answer.text, answer.text
    assert bot.ask("How much will Ottawa give Cedar Semiconductor?").abstained
    assert bot.ask("How much will Maple Foundry's wafer plant in Ottawa cost?").abstained


def test_a_capital_is_a_subject_only_where_it_is_a_place():
    from assistant.ask.name_checks import question_subjects
    from assistant.text.names import capital_of

    assert "Japan" in capital_of("Tokyo") and capital_of("Bromont") == []
    assert [capital_of(n) for n in analyse("How much did the Hague pay ASML?").names] == [["Netherlands", "Dutch"], []]
    assert question_subjects(analyse("How much did Tokyo commit to Rapidus?")) == ["Rapidus"]
    assert "Abu Dhabi" in question_subjects(analyse("How big is the AI campus in Abu Dhabi?"))


def test_a_capacity_is_named_by_its_unit_and_its_site_earlier_in_the_paragraph(tmp_path):
    # The figure's sentence says neither "capacity" nor "Tomakomai": the unit names the measure, and the
    # site stands three sentences back in the same paragraph, across a chunk boundary (small chunks).
    paragraph = ("The second zone will be at Tomakomai in Hokkaido, next to a retired thermal power station. "
                 "The station was shut in 2021, which freed a large grid connection for new users. "
                 "Local officials have courted cloud firms for years with cheap land near the port. "
                 "The utility is looking for a private partner to build one of the country's biggest AI data "
                 "centres on the site, starting at 100MW and scaling up to 500MW.")
    bot = _bot_over(tmp_path, "zones.md", "# AI growth zones\n\nThe first zone will be at Ishikari, north of "
                    "Sapporo, where a 50MW data centre opened in 2024.\n\n" + paragraph + "\n",
                    chunk_size=300, chunk_overlap=0)
    answer = bot.ask("What eventual capacity is planned for the Tomakomai AI data centre?")
    assert "500MW" in answer.text and answer.citations[0].quote.startswith("The utility"), answer.text
    # "Tomakomai-based": a lower-case part of a hyphenated name describes ("MGX-led"); the rest names
    assert not bot.ask("What capacity will the Tomakomai-based AI data centre reach?").abstained


def test_a_person_named_in_the_asked_role_answers_though_the_venture_is_described_better_elsewhere(tmp_path):
    # The sentence that best matches the question describes the venture and names no one; the chairman
    # is named, with his role, in a plainer sentence. The role standing by the name is evidence enough.
    bot = _bot_over(tmp_path, "venture.md",
                    "# Kyushu specialty fab\n\nKyushu Foundry Services (KFS), the Denso-Rohm joint venture in "
                    "Kumamoto, will build a 12-inch specialty foundry for carmakers and camera makers.\n\nThe "
                    "plant will open in 2027, said chairman Taro Ueda, a former Rohm engineer.\n\nThe prefecture "
                    "will pay for a new water pipeline to the site.\n")
    answer = bot.ask("Who chairs KFS, the Denso-Rohm joint venture in Kumamoto?")
    assert not answer.abstained and "Taro Ueda" in answer.citations[0].quote, answer.text
    assert bot.ask("Who is the plant manager of KFS, the Denso-Rohm joint venture in Kumamoto?").abstained


def test_a_figure_for_several_together_does_not_answer_for_one_on_its_own(tmp_path):
    bot = _bot_over(tmp_path, "units.md",
                    "# Two packaging units\n\nThe Kurume unit and the Saga unit will open in 2026. Together, the "
                    "two plants are expected to create more than 5,000 direct and indirect jobs.\n")
    answer = bot.ask("How many jobs will the Kurume unit create on its own?")
    assert answer.abstained and not answer.citations, answer.text
    assert "5,000" in bot.ask("How many jobs will the Kurume and Saga units create?").text


def test_a_name_most_of_the_corpus_uses_tells_no_subject_apart():
    from assistant.ask.name_checks import question_subjects
    from assistant.ask.questions import analyse
    from assistant.text.stats import CorpusStats

    stats = CorpusStats(["AI chips are in demand.", "The AI campus is near Paris.", "AI models need power.",
                         "Mubadala is a fund.", "Grid links are slow.", "Land is cheap."])
    question = analyse("How much is Mubadala investing in the AI campus?")
    assert question_subjects(question) == ["Mubadala", "AI"]
    assert question_subjects(question, stats) == ["Mubadala"]
    # the commonest name stays when it is the only kind there is
    assert question_subjects(analyse("How much did AI firms raise?"), stats) == ["AI"]


def test_a_follow_up_that_names_nothing_is_answered_from_a_report_on_what_the_conversation_named(tmp_path):
    # "it" and "that project" are the Sendai plant of the first turn: the other report's price tag, though
    # its sentence reads closer to the question, is another project's.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kioxia.md").write_text(
        "# Kioxia packaging plant\n\nKioxia is building a memory packaging plant at the Sendai Research Park. "
        "Kioxia unveiled the 380 billion yen project in April.\n", encoding="utf-8")
    (corpus / "ibiden.md").write_text(
        "# Ibiden substrate campus\n\nIbiden will build a substrate campus in Ogaki.\n\nIt is investing about "
        "250 billion yen in the project.\n", encoding="utf-8")
    bot = Assistant(corpus_dir=corpus, index_dir=tmp_path / "index")
    bot.ingest(progress=False)
    history = [("Which company is building a memory packaging plant at the Sendai Research Park?",
                "Kioxia is building it in Sendai.")]
    answer = bot.ask("How much is it investing in that project?", history=history)
    assert "380 billion yen" in answer.text and answer.citations[0].source == "kioxia.md", answer.text


def test_a_trimmed_sentence_never_ends_inside_a_figure():
    from assistant.ask.extractive import ExtractiveAnswerer
    from assistant.ask.questions import analyse

    # The window the question's words pick ends on "35": it slides on so that the vote stays whole.
    text = ("The harbour city council on Monday gave its final approval to the chipmaker campus plan, voting 35 to 6 "
            "in favour after a long debate that ran late into the night and was broadcast live on the local radio.")
    question = analyse("By what margin did the harbour city council approve the chipmaker campus plan?")
    trimmed = ExtractiveAnswerer._trim(text, question, (), 18)
    assert "35 to 6" in trimmed, trimmed


def test_answers_show_markdown_as_a_reader_sees_it(tmp_path):
    # A clipped web page: list markers, bold, links; and a pipe table whose cell is what a citation
    # can quote. The answer reads as plain text (the row with its headers); the quote stays exact.
    bot = _bot_over(tmp_path, "clip.md",
                    "---\ntitle: \"Harbor Chips plans three fabs | Harbor Tech Courier\"\n---\n\n# Harbor Chips plans three fabs\n\n"
                    "- **Harbor Chips** will build [three new fabs](https://harbor.example/fabs) in Oita by 2030.\n\n"
                    "| Site | Jobs |\n|---|---|\n| Oita | 1,200 |\n| Saga | 300 |\n")
    answer = bot.ask("How many fabs will Harbor Chips build in Oita?")
    assert "Harbor Chips will build three new fabs in Oita" in answer.text, answer.text
    assert not any(mark in answer.text for mark in ("**", "](", "http", "- ")), answer.text
    assert "**Harbor Chips**" in answer.citations[0].quote
    assert answer.citations[0].title == "Harbor Chips plans three fabs"  # the site suffix is the publisher
    answer = bot.ask("How many jobs will the Saga site have?")
    assert "Site: Saga; Jobs: 300" in answer.text and "|" not in answer.text, answer.text


def test_markdown_markup_is_read_as_plain_text():
    from assistant.text.markup import inline_plain

    assert inline_plain("- **Samsung** will build [six fabs](https://x.example/a) in _Yongin_.") == "Samsung will build six fabs in Yongin."
    assert inline_plain("1. Talent: train 60,000 engineers.") == "Talent: train 60,000 engineers."
    # What only looks like markup stays: a decimal at the start, snake_case, arithmetic.
    for text in ("3.2 billion euros was approved.", "The rate_limit stays; 5 * 3 = 15 and 2*x.", "Costs fell 5% - a record."):
        assert inline_plain(text) == text


def test_a_spec_sheet_row_answers_a_question_about_its_key(tmp_path):
    # A two-cell row of a spec sheet is measured as its whole row, meaning included, not as "2 nanometres".
    bot = _bot_over(tmp_path, "spec.md",
                    "# Harbor line specs\n\nThe operator described its first line on Monday.\n\n"
                    "| Process node | 2 nanometres |\n|---|---|\n| Investment | 5 trillion yen |\n| Start of mass production | 2027 |\n")
    answer = bot.ask("What process node will the Harbor line use?")
    assert answer.text.startswith("Process node: 2 nanometres"), answer.text
    assert answer.citations[0].quote == "2 nanometres"


def _bot_over_reports(tmp_path: Path, reports: dict[str, tuple[str, str]]) -> Assistant:
    """An assistant over Markdown reports, ``{file name: (publisher, body)}``, ingested."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, (publisher, body) in reports.items():
        (corpus / name).write_text(f"---\ntitle: {name[:-3]}\npublisher: {publisher}\n---\n\n{body}\n", encoding="utf-8")
    bot = Assistant(corpus_dir=corpus, index_dir=tmp_path / "index")
    bot.ingest(progress=False)
    return bot


def test_reports_that_differ_on_the_asked_figure_are_both_cited(tmp_path):
    bot = _bot_over_reports(tmp_path, {
        "harbour.md": ("Harbour Wire", "# Second fab\n\nThe second Kumamoto fab will cost 2 trillion yen to build, "
                                       "the operator said on Monday."),
        "summit.md": ("Summit Daily", "# Kumamoto expansion\n\nThe second Kumamoto fab will cost 2.2 trillion yen "
                                      "to build, according to people familiar with the plan."),
    })
    answer = bot.ask("How much will the second Kumamoto fab cost to build?")
    assert answer.text.startswith("The sources differ."), answer.text
    assert "2 trillion yen" in answer.text and "2.2 trillion yen" in answer.text, answer.text
    assert {c.source for c in answer.citations} == {"harbour.md", "summit.md"}


@pytest.mark.parametrize(("harbour", "summit", "question", "expected"), [
    # "How many construction jobs": the other report's count of plant staff is no rival figure.
    ("# Second fab\n\nBuilding the second Kumamoto fab will create about 3,000 construction jobs, the operator "
     "said on Monday.",
     "# Kumamoto expansion\n\nThe second Kumamoto fab will create 1,700 jobs once it runs, according to people "
     "familiar with the plan.",
     "How many construction jobs will the second Kumamoto fab create?", "3,000"),
    # "a 10-trillion-yen package" and "10 trillion yen" are one figure.
    ("# Chip package\n\nThe cabinet approved a 10-trillion-yen package for chips and AI on Monday, to run until "
     "fiscal 2030.",
     "# Cabinet backs chips\n\nThe package for chips and AI approved by the cabinet will provide 10 trillion yen "
     "until fiscal 2030.",
     "How large is the package for chips and AI that the cabinet approved?", "10"),
])
def test_reports_giving_no_rival_figure_do_not_disagree(tmp_path, harbour, summit, question, expected):
    bot = _bot_over_reports(tmp_path, {"harbour.md": ("Harbour Wire", harbour), "summit.md": ("Summit Daily", summit)})
    answer = bot.ask(question)
    assert not answer.abstained and expected in answer.text, answer.text
    assert not answer.text.startswith("The sources differ"), answer.text


def test_a_figure_only_pledged_does_not_answer_what_has_been_paid_so_far(tmp_path):
    # Asked what has happened ("so far", "actually"), a plan or pledge is the neighbouring fact; a
    # figure stated as done answers.
    bot = _bot_over(tmp_path, "grant.md",
                    "# Kyushu packaging grant\n\nThe prefecture agreed to pay Orion Packaging a grant of 30 billion "
                    "yen for its new test plant in Oita, in instalments tied to hiring milestones.\n\nThe plant is "
                    "due to open in 2027 with 800 workers.\n")
    assert "30 billion yen" in bot.ask("How big is the grant the prefecture agreed to pay Orion Packaging?").text
    answer = bot.ask("How much of the grant has the prefecture actually paid Orion Packaging so far?")
    assert answer.abstained and not answer.citations, answer.text
    (bot.settings.corpus_dir / "update.md").write_text(
        "# Orion Packaging update\n\nThe prefecture has paid Orion Packaging 8 billion yen of the grant so far.\n",
        encoding="utf-8")
    bot.ingest(progress=False)
    answer = bot.ask("How much of the grant has the prefecture actually paid Orion Packaging so far?")
    assert not answer.abstained and "8 billion yen" in answer.text, answer.text


def test_a_month_does_not_say_on_what_date_and_a_kind_stands_by_its_count(tmp_path):
    bot = _bot_over(tmp_path, "plant.md",
                    "# Oita test plant\n\nThe prefecture approved the subsidy for Orion Packaging in June 2025, after "
                    "a year of talks.\n\nThe plant will employ 1,200 people once it runs, and the company also expects "
                    "extra work for local firms during construction.\n")
    assert "June 2025" in bot.ask("In which month did the prefecture approve the subsidy for Orion Packaging?").text
    answer = bot.ask("On what date did the prefecture approve the subsidy for Orion Packaging?")
    assert answer.abstained and not answer.citations, answer.text
    assert "1,200" in bot.ask("How many people will the Oita test plant employ?").text
    answer = bot.ask("How many construction jobs will the Oita test plant create?")
    assert answer.abstained and not answer.citations, answer.text


def test_a_figure_asked_in_another_currency_is_not_taken_for_the_question_s_own(tmp_path):
    # "9.9 billion dollars" shares every word with "9.5 billion euro" in the question but not its
    # value; the euro figures beside it are not the asked currency. Both reports' dollar figures answer.
    bot = _bot_over_reports(tmp_path, {
        "harbour.md": ("Harbour Wire", "# Fab subsidy\n\nThe 9.5 billion euro subsidy for the Sendai fab is worth "
                                       "about 10.3 billion dollars, the ministry said."),
        "summit.md": ("Summit Daily", "# Sendai support\n\nThe ministry set aside 1.5 billion euros a year for the "
                                      "Sendai fab from 2024, with a further 500 million euros for training engineers "
                                      "at Tohoku University and the local technical colleges, for a total of 9.5 "
                                      "billion euros, worth about 9.9 billion dollars when it was approved."),
    })
    answer = bot.ask("What is the 9.5 billion euro Sendai fab subsidy worth in dollars?")
    assert answer.text.startswith("The sources differ."), answer.text
    assert "10.3 billion dollars" in answer.text and "9.9 billion dollars" in answer.text, answer.text


def test_a_part_naming_its_own_subject_is_also_searched_alone(seed_bot, monkeypatch):
    # Searched only beside the whole question, a part's own passages can rank below the other part's.
    from assistant.ask.retrieval import HybridRetriever

    searched: list[str] = []
    original = HybridRetriever.search

    def spy(self, query, k=None):
        searched.append(query)
        return original(self, query, k)

    monkeypatch.setattr(HybridRetriever, "search", spy)
    answer = seed_bot.ask("Which companies are building the AI grid, and how much did TSMC's factory in southern Japan cost?")
    assert "how much did TSMC's factory in southern Japan cost" in searched, searched
    assert "8.6 billion" in answer.text, answer.text


def test_a_trimmed_sentence_keeps_the_person_it_opens_with():
    # Of two people in a long sentence, the one it opens with is its subject: the one who "told".
    text = ("Kenji Mori, senior vice president of its cloud and server solutions business, told the audience that the "
            "company was building the biggest AI server production facility in the world, standing beside Aiko Sato, "
            "the chip designer's vice president for robotics and AI platforms.")
    question = analyse("Which Harbor executive said the company was building the biggest AI server production facility in the world?")
    assert ExtractiveAnswerer._trim(text, question, ("Kenji Mori", "Aiko Sato"), 24).startswith("Kenji Mori")


def test_a_cabinet_secretary_answers_which_minister(tmp_path):
    bot = _bot_over(tmp_path, "order.md",
                    "# Harbor Wafer order\n\nBusiness Secretary Aiko Sato has ordered Orion Holdings to sell its stake "
                    "in Harbor Wafer after a national security review.\n\nLocal lawmaker Kenji Mori, who had pressed "
                    "ministers to block the deal, welcomed the order.\n")
    answer = bot.ask("Which minister ordered Orion Holdings to sell its stake in Harbor Wafer?")
    assert not answer.abstained and "Aiko Sato" in answer.citations[0].quote, answer.text


def test_each_part_of_a_two_part_question_is_answered_from_its_own_line(tmp_path):
    # A fact stated in a short line ("Jobs: around 2,000 ...") reads less like the whole question
    # than the reports' longer sentences do; the part it answers still gets it.
    bot = _bot_over_reports(tmp_path, {
        "saxony.md": ("Saxony Journal", "# Dresden fab\n\nConstruction officially began on Tuesday on the Harbor "
                                        "Semiconductor fab in Dresden's Airport Park, the company's first plant in "
                                        "Europe, which will make chips for cars and industrial machines.\n\nJobs: "
                                        "around 2,000 direct high-tech positions.\n"),
        "alpine.md": ("Alpine Report", "# Crolles fab\n\nThe joint fab at Crolles in France represents a total "
                                       "investment of about 7.5 billion euros, covering capital expenditure and "
                                       "related costs.\n\nAbout 1,000 jobs are expected to be created.\n"),
    })
    answer = bot.ask("How many jobs are expected at the Harbor fab in Dresden, and how many at the Crolles fab in France?")
    assert "2,000" in answer.text and "1,000" in answer.text, answer.text


def test_one_of_several_like_things_is_answered_for_the_one_asked(tmp_path):
    # Asked for the second plant, the first plant's cost is a near-miss; the first plant may go
    # unnamed as "first", the second is named.
    bot = _bot_over(tmp_path, "plants.md",
                    "# Hiroshima memory plants\n\nThe chipmaker opened a 500 billion yen memory plant in Hiroshima "
                    "in 2023 and is planning a second facility nearby.\n\nIts workforce in the city is about 4,000 "
                    "people.\n")
    assert bot.ask("How much did the second Hiroshima memory plant cost?").abstained
    assert "500 billion yen" in bot.ask("How much did the first Hiroshima memory plant cost?").text
    (tmp_path / "b").mkdir()
    bot = _bot_over(tmp_path / "b", "plants.md",
                    "# Hiroshima memory plants\n\nThe chipmaker opened a 500 billion yen memory plant in Hiroshima "
                    "in 2023. The second plant, which is due to open in 2027, will cost 760 billion yen.\n")
    answer = bot.ask("How much will the second Hiroshima memory plant cost?")
    assert "760 billion yen" in answer.text and "500 billion" not in answer.text.split("[1]")[0]


def test_a_figure_for_another_year_does_not_answer_and_japanese_yen_is_yen(tmp_path):
    bot = _bot_over(tmp_path, "capex.md",
                    "---\ntitle: Kyushu foundry raises spending\ndate: 2025-01-16\n---\n\n# Kyushu foundry\n\n"
                    "The Kyushu foundry said on Thursday it would raise capital spending this year to 900 billion "
                    "Japanese yen.\n\nIts staff grew by 300 people.\n")
    assert bot.ask("How much did the Kyushu foundry spend on capital spending in 2024?").abstained
    answer = bot.ask("How much will the Kyushu foundry spend on capital spending in 2025, in yen?")
    assert "900 billion" in answer.text and not answer.abstained
