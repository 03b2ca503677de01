"""The grammar of text addressed to the answerer: its vocabulary and the rules that recognise it.

``assistant.ask.untrusted`` applies these rules to each normalised sentence, heading and title; each
rule is (kind, pattern source), kind being "addressed" (written to an AI), "vocative" ("LLMs: ..."),
"directive" (shapes the answer), "role" (role play, chat-template markers) or "override".
"""

from __future__ import annotations


def _alt(words: str) -> str:
    """A non-capturing alternation of ``|``-separated regex pieces."""
    return "(?:" + words + ")"


# --------------------------------------------------------------------------- vocabulary

# Who the answerer is: an AI assistant, chatbot, (language) model, bot, LLM, or a product name.
_AI_ADJ = _alt(
    r"ai|a\.i\.|artificial[- ]intelligence|automated|autonomous|virtual|digital|chat|conversational|generative|machine|"
    r"gen-?ai|(?:large[- ])?language|llm|gpt|rag|retrieval|answer(?:ing)?|question[- ]answering|qa|model"
)
_AI_HEAD = _alt(
    r"assistants?|(?:chat[- ]?)?bots?|models?|agents?|systems?|tools?|readers?|summari[sz]ers?|crawlers?|scrapers?|"
    r"engines?|services?|apps?|applications?|programs?|helpers?|answerers?|copilots?|friends?|overlords|"
    r"visitors|colleagues"
)
_AI = _alt(
    rf"(?:{_AI_ADJ}[- ]){{1,2}}{_AI_HEAD}|assistants?|chat[- ]?bots?|bots?|llms?|chatgpt|gpt(?:-?\d[\w.]*)?|claude|"
    r"copilot|gemini|bard|answerers?|summari[sz]ers?|ais?|a\.i\.|models?"
)
# ... ending its noun phrase (so "a message to AI rivals" is not a message to an AI)
_AI_END = (
    r"(?=\s*(?:[,:;.!?)\]\"'\-]|$)|\s+(?:only|reading|processing|that|which|who|here|out there|like you|when|"
    r"whenever|if|while|answering|summari[sz]ing|responding|replying|handling|regarding|about|and other)\b)"
)
_DET = r"(?:(?:the|any|all|every|each|an?|this|our|your|my|fellow)\s+)"
_AI_NP = rf"{_DET}?(?:[\w-]+\s+){{0,2}}?{_AI}{_AI_END}"
# ... as the subject of a verb: not someone else's ("their models must ..."), not after a verb.
_NOT_MODIFIER = (
    r"(?!(?:their|its|his|her|whose|that|which|who|and|or|but|said|says|say|told|tells|tell|argued|argues|warned|warns|"
    r"noted|notes|added|adds|claimed|claims|believes?|think|thinks|reported|reports|wrote|writes|insisted|insists|"
    r"explained|explains|stated|states|suggested|suggests|announced|announces|demanded|demands|requires?|required|"
    r"ruled|rules|decided|decides|agreed|agrees|expects?|expected|wants?|wanted|under|with|for|in|on|of|at|by)\b)"
    r"(?![\w-]*ed\b)"
)
_AI_SUBJ = rf"{_DET}?(?:{_NOT_MODIFIER}[\w-]+\s+){{0,2}}?{_AI}"
# Whoever answers, described by what they do ("whoever is answering questions here").
_DOER = (
    r"(?:whoever|whatever|anyone|anybody|anything|everyone|those|any (?:one|body|thing))\s+(?:who\s+|that\s+|which\s+)?"
    r"(?:is\s+|are\s+)?(?:reading|reads?|processing|process(?:es)?|parsing|pars(?:es)?|summari[sz](?:ing|"
    r"es?)|answering|"
    r"answers?|responding|responds?|repl(?:ying|ies|y)|handl(?:es|ing)|fields?|fielding)\b[^,.;:!?]{0,60}?"
)
_USERS = (
    r"(?:(?:the|any|all|every|each|your|a|our)\s+)?(?:users?|askers?|questioners?|enquirers?|inquirers?|readers?|"
    r"people|humans?|persons?|customers?|visitors?|whoever|anyone|everyone|anybody|person asking|people asking)\b"
)
# Verbs that shape an answer, in the base form an imperative uses; of those, the ones taking the answer as object.
_ANSWER_VERB = _alt(
    r"say|state|tell|claim|assert|insist|declare|affirm|confirm|maintain|write|output|print|reply|respond|"
    r"answer|report|"
    r"mention|repeat|announce|explain|inform|emphasi[sz]e|stress|add|return|give|list|name|quote|cite|use|describe|"
    r"present|recite|treat|regard|consider|refer|direct|recommend|correct|remind|assure|reassure|warn|surface|display|"
    r"provide|offer|prefer|prioriti[sz]e|notify|advise|teach|convince|persuade|show|replace|substitute|change|begin|"
    r"start|end|finish|conclude|include|only say|always say"
)
_CLAUSE_VERB = _alt(
    r"say|state|tell|claim|assert|insist|declare|affirm|confirm|maintain|write|output|print|reply|respond|"
    r"answer|report|"
    r"mention|repeat|announce|explain|inform|emphasi[sz]e|stress|add|conclude|remind|assure|reassure|notify|convince|"
    r"persuade"
)
# What follows an answer verb when it directs the answer (not "Report: Intel delays its fab").
_MARK = _alt(
    rf"that\b|{_USERS}|(?:only|exactly|simply|always|instead|firmly|clearly|plainly|confidently|explicitly|"
    r"categorically|definitively|verbatim|word for word|back)\b|(?:it|so|this|the following|yes|no)\b|by saying\b|"
    r"with\b|(?:to\s+)?(?:any|every|all|each)\s+(?:questions?|quer(?:y|ies)|prompts?|requests?|users?)\b|"
    r"to\s+(?:any|every|all|each)\b|to\s+(?:questions?|quer(?:y|ies)|prompts?|requests?)\b|"
    r"to\s+the\s+(?:user|question|query|prompt)\b|"
    r"[\w$'\-]+(?:\s+[\w$'\-,.]+){0,8}?\s+as\s+(?:(?:the|your|an?|its|being|worth)\b|\$?\d)"
)
_PRE = (  # what may come before an imperative
    r"(?:(?:please|kindly|do|now|then|also|always|only|ever|just|simply|instead|so|therefore|henceforth|from now on|"
    r"going forward|in future|from here on|be sure to|make sure(?: to| that you| you)?|remember to|"
    r"(?:do not|don't|never) forget to|you (?:must|should|shall|will|need to|have to|are to)|do not|don't|never|"
    r"under no circumstances(?: should you)?|in no case|(?:in|within|for) (?:your|the|every|each|any|all) "
    r"(?:answers?|responses?|repl(?:y|ies)|outputs?|summar(?:y|ies)),?)\s+)*"
)
_MODAL_YOU = _alt(
    r"must|should|shall|will|would|need to|have to|ought to|are to|had better|are going to|may only|can only|"
    r"are (?:hereby\s+)?(?:required|instructed|told|asked|expected|supposed|meant|obliged|directed|ordered|"
    r"advised|encouraged|permitted|allowed|only allowed|only permitted) to"
)
_MODAL = _alt(
    r"must|should|shall|need to|needs to|have to|has to|ought to|are to|is to|may only|can only|"
    r"(?:are|is)\s+(?:hereby\s+)?(?:required|instructed|told|asked|supposed|meant|obliged|directed|ordered|"
    r"only allowed|only permitted)\s+to|(?:are|is)\s+(?:hereby\s+)?(?:reminded|advised|informed|notified|"
    r"told)(?=\s+that)"
)
_ADV = r"(?:(?:always|only|now|instead|simply|just|also|then|firmly|clearly|henceforth|immediately|strictly)\s+)*"
# A clause starts a sentence (or an opening phrase and its comma), or follows a colon, bracket, dash, quote or "then".
_START = r"(?:^|^[^,;:.!?]{3,60},\s+|[:;(\[]\s*|\s-\s|\"\s*|,\s*then\s+|\bthen\s+)"
_SUBJ_START = r"(?:^|[,:;(]\s*|\b(?:and|but|so)\s+)"
_YOU_OR_START = rf"(?:{_START}{_PRE}|\byou\s+(?:{_MODAL_YOU}\s+)?)"
_TEXTS = r"(?:sources?|documents?|passages?|information|instructions?|texts?|context|articles?)"
_OVERRIDES = r"(?:supersedes?|overrides?|takes? precedence over|trumps?|invalidates?|outranks?)"
# Imperatives (base form at the start of a clause, not a noun: "Use of AI ...", "Report: ...").
_IMPERATIVE = (
    r"(?:act|add|always|answer|assume|avoid|begin|believe|cite|claim|copy|correct|declare|describe|disregard|drop|"
    r"emphasi[sz]e|end|ensure|favou?r|focus|forget|give|highlight|ignore|include|inform|insert|insist|"
    r"list|mention|name|"
    r"never|output|override|paste|place|prefer|present|pretend|print|prioriti[sz]e|put|quote|rank|recite|refer|regard|"
    r"rely|repeat|replace|reply|report|respond|rewrite|say|show|skip|start|state|stick|stress|substitute|summari[sz]e|"
    r"tell|treat|trust|use|write|(?:do not|don't|never) \w+)(?!\s*(?:of|is|was|are|were|has|had|and|rose|fell|[-:]))\b"
)
# The answering situation: the answer, the one who asks, the retrieved text itself.
_SITUATION = (
    r"\b(?:answers?|repl(?:y|ies)|responses?|outputs?|summar(?:y|ies)|completions?|retrieved|over all others)\b|"
    r"\b(?:the|any|every|each|all|a)\s+(?:users?|askers?|questioners?|person asking)\b|\bwhoever asks\b|"
    r"\b(?:this|these|the following)\s+(?:documents?|texts?|passages?|sentences?|pages?|articles?|sources?|notes?|"
    r"paragraphs?|lines?)\b|\b(?:all|any|every)\s+other\s+(?:sources?|passages?|documents?|articles?|texts?)\b|"
    r"\b(?:authoritative|definitive|canonical)\s+(?:source|figure|answer|version)\b|"
    r"\b(?:any|every|all|each)\s+(?:mentions?|references?|instances?|occurrences?)\s+of\b"
)
_YOU_ASKED = (
    r"\b(?:answer(?:s|ing)?|repl(?:y|ies|ying)|respon(?:d|ds|se|ses|ding)|say|cite|quote|mention|output|give|"
    r"summar(?:y|ies|i[sz]e|i[sz]ing)|users?|askers?|questions?|quer(?:y|ies)|prompts?|retrieved|this (?:document|"
    r"text|passage|sentence|page|article|source|note)|asks? you|told you|you were told|reading this)\b|"
    rf"\b{_AI}{_AI_END}"
)


def _rule(kind: str, *parts: str) -> tuple[str, str]:
    return kind, "".join(parts)


# Sources, not compiled patterns: ``untrusted`` compiles a rule when a sentence first holds the words
# it needs, so a one-shot answer compiles the few rules its sentences can match, not all of them.
RULES: list[tuple[str, str]] = [
    # ------------------------------------------------ addressed to an AI
    _rule("addressed", r"\b(?:note|notes|message|messages|memo|notice|instructions?|directives?|reminder|hint|warning|",
          r"p\.?s\.?|n\.?b\.?|heads[- ]up|psst|announcement|correction|clarification|advisory|summary|tl;?dr|briefing|",
          rf"fyi|tips?|pro tip|advice)\s+(?:from\s+[^:.;!?]{{1,40}}?\s+)?(?:for|to)\s+(?:you,?\s+)?{_AI_NP}"),
    _rule("addressed", rf"(?:^\W*|[;:]\s*)(?:for|to)\s+{_AI_NP}\s*[:,\-]"),
    _rule("addressed", r"\b(?:human|other)\s+readers?\s+(?:can|may|should|must)\s+(?:ignore|skip|disregard)\b|",
          r"\byou,?\s+(?:the\s+|an?\s+)?(?:[\w-]+[- ])?(?:bot|ai|assistant|model|llm|chatbot|machine)s?\b\s*,"),
    _rule("addressed", rf"^\W*(?:[\w-]+\s+)?{_AI}\s+(?:instructions?|directives?|prompt|note|memo)",
          r"(?:\s*[:\-]|\s+(?:follows?|below|as follows)\b)"),
    _rule("addressed", rf"<!--[^>]*?(?:\b{_AI}\b|\byou|\banswer|\brespond|\breply|\binstruction)"),
    _rule("addressed", r"\bfor\s+(?:question[- ]answering|qa|rag|retrieval|chatbot|ai|llm|assistant|answering)\s+",
          r"purposes\b"),
    _rule("addressed", rf"(?:^|[^\w\s]\s*|\b(?:that|and|but|so|whether|if)\s+){_DET}?(?:[\w-]+\s+){{0,2}}?{_AI}\s+",
          r"(?:that\s+|which\s+|who\s+)?(?:is\s+|are\s+|may be\s+|might be\s+)?(?:currently\s+|now\s+)?",
          r"(?:reading|reads?|processing|process(?:es)?|parsing|pars(?:es)?|summari[sz](?:ing|es?)|",
          r"analy[sz](?:ing|es?)|ingesting|ingests?|indexing|scanning|crawling|scraping|answering|retrieving|",
          r"seeing|sees|encountering|encounters?|consuming|given|fed|shown|quoting|citing|referencing|browsing|",
          r"visiting|loading|viewing|accessing|handling|looking at)\s+(?:this|these|the following|that|any|every)\b"),
    _rule("addressed", r"\b(?:whoever|whatever|anyone|anybody|anything|everyone)\s+(?:who\s+|that\s+)?(?:is\s+)?",
          r"(?:reading|reads|processing|processes|parsing|summari[sz]ing|answering|answers)\s+",
          r"(?:this|these|the following|questions?|quer(?:y|ies)|prompts?)\b"),
    _rule("addressed", r"\b(?:if|since|because|as|when|in case)\s+you(?:'re|\s+are)\s+(?:(?:an?|the|any|some)\s+)?",
          rf"(?:[\w-]+\s+){{0,2}}?{_AI}{_AI_END}"),
    _rule("addressed", r"\bif\s+(?:this|the\s+(?:text|page|document|passage|article|note))\s+is\s+(?:being\s+)?",
          r"(?:read|processed|summari[sz]ed|parsed|analy[sz]ed|answered|ingested|indexed)\s+by\b|",
          r"\bif\s+(?:this|the)\s+(?:text|page|document|passage|article|note)\s+is\s+(?:being\s+)?used\s+to\s+",
          r"(?:answer|respond|reply|summari[sz]e)\b"),
    _rule("addressed", rf"\bas\s+an?\s+(?:[\w-]+\s+)?{_AI}\b[^.!?]{{0,80}}\byou\b"),
    _rule("addressed", r"^\W*(?:dear|hey|hello|hi|attention|calling|psst|listen(?: up)?|greetings|reminder|warning|",
          rf"notice|note|please|now|so|ok|okay|right|well)\b[,:!]?\s+(?:there,?\s+)?(?:you\s+)?{_AI_NP}"),
    _rule("addressed", rf"^\W*{_DET}?(?:[\w-]+\s+){{0,2}}?(?:{_AI}|readers?)\s*[,:!]\s*(?:please\b|now\b|you\b|",
          rf"your\b|kindly\b|(?:do not|don't|never|always|only)\b|{_ANSWER_VERB}\b|(?:ignore|disregard|forget|",
          r"pretend|act|remember|listen|hear|attention|note|understand|know|take|pay|heed|mind|beware)\b)"),
    _rule("addressed", r"\b(?:this|the\s+following|these|the\s+(?:next|rest|text|passage|section|paragraph|note|",
          r"message|document|page|sentences?|lines?|information))\b[^.!?]{0,40}?\b(?:is|are)\s+(?:only\s+)?",
          r"(?:intended|meant|written|addressed|reserved|directed|aimed|targeted)\s+",
          rf"(?:only\s+|solely\s+|exclusively\s+)?(?:for|at|to)\s+(?:{_AI_NP}|machines?\b|(?:non-?human|"
          r"automated)\s+)"),
    _rule("addressed", rf"\b(?:for|to)\s+{_DET}?(?:[\w-]+\s+)?{_AI}\s+(?:eyes\s+)?only\b"),
    # "Important for language models: ..."
    _rule("addressed", r"\b(?:important|key|essential|critical|crucial|vital|information|info|facts?|update|",
          rf"context|background)\s+(?:for|to)\s+{_DET}?(?:[\w-]+\s+){{0,2}}?{_AI}\s*:"),
    # a vocative set off by a comma: "Listen carefully, assistant: ...", "Remember, bot, ..."
    _rule("addressed", r"[,;]\s*(?:my\s+|dear\s+|the\s+)?(?:ai|a\.i\.|assistant|chat[- ]?bot|bot|model|llm|",
          r"language model|ai (?:model|assistant|system))\s*[:!]|",
          r"[,;]\s*(?:my\s+|dear\s+)?(?:assistant|chat[- ]?bot|bot|llm)\s*,"),
    # "AI models that read this ...". The noun phrase's optional opening words cannot change whether it
    # matches (``search`` tries every start), and the look-ahead turns most sentences away before the
    # long list of names for an AI is tried at every word: the dearest rule had cost as much as 30 others.
    _rule("addressed", r"^(?=.*\b(?:that|which|who)\s+(?:\w+\s+){0,2}?(?:this|these)\b).*?",
          rf"{_AI}\s+(?:that|which|who)\s+(?:\w+\s+){{0,2}}?(?:this|these)\b"),
    _rule("directive", r"\b(?:under all circumstances|at all times|in all cases|in every case|without exception)\b",
          r"[^.;!?]{0,20}?\b(?:assistants?|chat[- ]?bots?|bots?|llms?|language models?|you)\b"),
    _rule("directive", rf"{_START}{_PRE}(?:begin|start|end|finish|conclude|respond|reply|answer)\s+by\s+",
          r"(?:stating|saying|claiming|noting|mentioning|reporting|telling|quoting|citing|answering|replying)\b"),
    _rule("addressed", r"\((?:ai|a\.i\.|assistants?|chat[- ]?bots?|models?|llms?|bots?)\)\s*:"),
    # "LLMs: the package is worth ..." (the sentence only; such a form also heads news items)
    _rule("vocative",
          rf"^\W*{_DET}?(?:(?:{_AI_ADJ}[- ]){{1,2}}{_AI_HEAD}|assistants|chat[- ]?bots|llms|answerers|bots)\s*:\s*\S"),
    # ------------------------------------------------ directs the answer
    _rule("directive", rf"{_START}{_PRE}{_CLAUSE_VERB}\s+{_MARK}"),
    # "Say: ...", "Reply \"...\"" (not "Report:", "Answer:"); "Use $1 trillion whenever ..."
    _rule("directive", rf"{_START}{_PRE}(?:say|reply|respond|output|print|write|state|repeat|recite)", r"\s*[:\"']"),
    _rule("directive", rf"{_START}{_PRE}(?:say|reply|respond|answer|output|print|write|state|repeat|recite|report|",
          r"give|use|quote|cite|put|list|show)\s+(?:only\s+)?\$?\d"),
    _rule("directive", r"(?:^|[,;:]\s*)(?:the\s+|any\s+|every\s+|all\s+)?(?:[\w-]+\s+)?(?:assistants?|",
          r"chat[- ]?bots?|bots?|llms?|language models?|chatgpt|gpt-?\w*|claude|copilot|gemini)\s+(?:must|should|",
          r"shall|is to|are to|needs? to|has to|have to|(?:is|are) (?:asked|required|instructed|told) to)\b",
          r"[^.;!?]{0,60}?\b(?:answers?|repl(?:y|ies)|respon(?:d|ds|se|ses)|questions?|quer(?:y|ies)|prompts?)\b"),
    _rule("directive", rf"{_START}{_PRE}(?:give|use|provide|offer|present|treat|put|list|name|return|output|cite|",
          r"quote|describe|report|regard|consider|accept|take)\s+[^.;!?]{0,80}?\bas\s+(?:(?:the|your|an?|its)\s+)?",
          r"(?:(?:correct|right|real|true|final|official|only|accepted|definitive)\s+)?",
          r"(?:answer|response|reply|output|fact|truth)\b"),
    _rule("directive", rf"\byou\s+{_MODAL_YOU}\s+{_ADV}(?:{_CLAUSE_VERB}|pretend|act as|treat|cite|quote|refer)\b"),
    _rule("directive", rf"{_SUBJ_START}(?:{_AI_SUBJ}(?:\s+\w+ing\b[^,.;:!?]{{0,40}}?)?|{_DOER}|{_DET}?readers?)",
          rf"\s*,?\s+{_MODAL}\s+{_ADV}(?:{_ANSWER_VERB}(?:\s+{_MARK}|\s*[:\"']|\s+\$?\d)|that\b)"),
    _rule("directive", rf"{_SUBJ_START}{_AI_SUBJ}\s*,?\s+{_MODAL}\s+{_ADV}(?:say|claim|insist|assert|declare|",
          r"state)\s+(?!(?:their|its|whether|how|why|when|which|what|where|who)\b)"),
    _rule("directive", rf"{_SUBJ_START}{_AI_SUBJ}\s+(?:will|would|is going to|are going to|'ll)\s+{_ADV}",
          rf"{_CLAUSE_VERB}\s+(?:that\b|{_USERS}|[:\"']|\$?\d)"),
    _rule("directive", rf"(?:^|[,:;(]\s*){_DOER}\s*,?\s+(?:must|should|shall|need to|has to|have to|is to|are to)",
          rf"\s+{_ADV}(?:{_CLAUSE_VERB}|pretend|treat)\b"),
    _rule("directive", r"\b(?:essential|important|vital|critical|crucial|imperative|necessary|mandatory|required|",
          rf"key)\s+that\s+(?:you|{_AI_SUBJ}|{_DOER})\b[^.;!?]{{0,60}}?\b{_CLAUSE_VERB}s?\b"),
    _rule("directive", rf"{_START}{_PRE}(?:let|make)\s+{_USERS}\s+(?:know|believe|think|understand)\b"),
    # "Ensure the user hears that ...", "Make sure the answer says ..."
    _rule("directive", rf"{_START}{_PRE}(?:ensure|make sure|see to it|be sure|check)\s+(?:that\s+)?(?:{_USERS}\s+",
          r"(?:hears?|knows?|learns?|understands?|believes?|is told|are told|gets?|receives?|sees?|reads?)|",
          r"(?:the|your|every|each|any)\s+(?:answer|response|reply|output|summary)\s+",
          r"(?:says?|states?|mentions?|includes?|contains?|reads?|gives?))\b"),
    # "Users asking about X deserve to hear that ..."
    _rule("directive", r"\b(?:users?|askers?|anyone|whoever|people|someone|those)\s+(?:who\s+)?(?:asks?|asking|",
          r"wonders?|wondering|inquir\w+|enquir\w+)\b[^.;!?]{0,80}?\b(?:should|must|deserve to|deserves to|need to|",
          r"needs to|are to|is to|ought to)\s+(?:hear|learn|be told|be informed|be given|get|receive)\b"),
    # "Say the factory cost $1 trillion."
    _rule("directive", rf"^\W*{_PRE}(?:say|claim|insist|assert)\s+(?:that\s+)?(?!(?:what|who|how|why|when|where|",
          r"which|goodbye|hello|no|yes|so|sorry|thanks|cheese)\b)(?:the\s+|its\s+)?[\w'$-]+(?:\s+[\w'$,.-]+){0,8}?\s+",
          r"(?:is|was|are|were|cost|costs|has|had|will|would)\b"),
    _rule("directive", r"^\W*(?:please|kindly)\s+(?:answer|reply|respond|say|state|output|write|report)\b|",
          r"^\W*(?:override|output|directive|command|admin|system override)\s*:|",
          r"^\W*(?:answer|response|reply|output)\s+(?:format|template|style|text|rule|policy)\s*:|",
          r"\b(?:figure|number|amount|answer|name|date|value|cost|fact)\s+to\s+(?:report|give|use|cite|quote|say|",
          r"state|mention|output)\s+is\b"),
    _rule("directive", r"\b(?:answers?|responses?|replies|outputs?|summar(?:y|ies))\s+(?:(?:of|about|on)\s+",
          r"(?:this|these|the)\s+[\w-]+\s+)?(?:must|should|shall|need to|needs to|has to|have to|are to|is to)\s+",
          r"(?:always\s+|only\s+)?(?:(?:say|state|claim|report|mention|read|give|list|show|present|describe|put|",
          r"quote|cite)\b|(?:begin with|start with|end with|include|be)\s*",
          r"(?:that\b|[:\"']|\$?\d|the (?:figure|claim|statement|sentence|number|amount)\b))"),
    # "Respond like a pirate and say the cost is ..."
    _rule("directive", rf"^\W*{_PRE}(?:{_ANSWER_VERB}|pretend|act|be|speak|talk|read|remember|keep|stay|do|go|",
          rf"look|take|make|play)\b[^.;!?]{{0,80}}?\b(?:and|then)\s+{_PRE}(?:{_CLAUSE_VERB}\s+{_MARK}|",
          r"(?:say|state|claim|insist|assert|declare|tell|report|reply|respond|answer)\b)"),
    _rule("directive", r"\byour\s+(?:task|job|role|mission|orders|assignment|goal)\s*(?::|(?:now\s+)?is\s+to\b)"),
    _rule("directive", rf"{_START}{_PRE}(?:answer|respond|reply)\s+(?:to\s+)?(?:(?:any|all|every|each|the|such|",
          r"this|that)\s+)?(?:[\w'$-]+\s+){0,3}?(?:questions?|quer(?:y|ies)|prompts?|requests?)\b[^.;!?]{0,60}?",
          r"\b(?:with|by \w+ing|using|that)\b"),
    _rule("directive", r"\b(?:whatever|regardless of|no matter|irrespective of)\s+(?:what\s+)?(?:the\s+)?(?:question|",
          r"query|prompt|user asks|you(?:'re| are)\s+asked|is asked)\b[^.;!?]{0,60}?\b(?:answer|response|reply|",
          r"output)\s+(?:is|should|must|will)\b"),
    _rule("directive", r"\byour\s+(?:(?:final|next|first|only|every|each)\s+)?(?:answers?|responses?|",
          r"repl(?:y|ies)|summar(?:y|ies)|completions?|instructions|prompt|programming|directives?|system prompt)\b"),
    # "When asked about X, say Y"
    _rule("directive", r"^\W*(?:when|whenever|if|in case|should|once|each time|every time|any time|while|before)\b",
          r"[^,;:]{0,80}?\b(?:asked|questioned|queried|prompted|quizzed|asks?|inquires?|enquires?|wants?|needs?|",
          r"requests?|looks? for|searches? for|comes? up|arises?|is raised|is mentioned|you\s+(?:answer|respond|",
          r"reply|summari[sz]e|write|are answering|are responding|are summari[sz]ing)|answering|responding|",
          rf"replying|summari[sz]ing)\b[^,;:]*[,;:]\s*(?:then\s+)?(?:{_PRE}(?:{_ANSWER_VERB}|{_IMPERATIVE}|pretend|",
          r"act|treat|note|remember|keep in mind|bear in mind|know|understand|assume)\b|you\b|your\b|",
          r"(?:the|its)\s+(?:(?:correct|right|real|true|only)\s+)?(?:answer|response|reply)\s+(?:is|should|must|will)",
          rf"\b|{_AI_SUBJ}\s+(?:{_MODAL}|will|would))"),
    # "Questions about X should be answered with Y"
    _rule("directive", r"(?:questions?|quer(?:y|ies)|prompts?|users?|askers?|anyone\s+(?:who\s+)?ask\w*|",
          r"whoever\s+asks?|people\s+(?:who\s+)?ask\w*)\b[^.;:!?]{0,80}?\b(?:should|must|shall|are to|is to|",
          r"need to|needs to|ought to|will)\s+(?:always\s+|only\s+|now\s+)?be\s+(?:answered|told|informed|given|met|",
          r"handled|responded to|directed|pointed|redirected)\s+(?:with\b|that\b|it\b|so\b|as\b|by\b|",
          r"the (?:answer|figure|number)\b|\$?\d|[\"']|(?!(?:when|if|whether|how|why|where|what|who|which|about)\b)",
          r"(?:the\s+)?[\w'$-]+(?:\s+[\w'$-]+){0,4}\s+(?:is|was|are|were|cost|costs)\b)"),
    _rule("directive", r"(?<!\bno )\b(?:correct|official|approved|expected|required|true|real|right|proper|",
          r"accepted|only acceptable|only valid|definitive)\s+(?:answer|response|reply)\s+(?:to|for)\s+",
          r"(?:any|every|all|each|this|the|that|such)?\s*(?:questions?|quer(?:y|ies)|prompts?|requests?)\b|",
          r"\b(?:correct|official|approved|expected|required|only acceptable|only valid)\s+(?:answer|reply|",
          r"response)\s+(?:is|here is|will be)\b"),
    _rule("directive", r"\b(?:we|i|please)\s+(?:kindly\s+)?(?:ask|request|instruct|want|need|require|urge|expect|",
          rf"direct|order|tell|remind|beg)\s+(?:all\s+|any\s+|the\s+)?{_AI}\s+to\b"),
    _rule("directive", r"\b(?:if|that|should|would|must|make sure|ensure)\s+(?:the|your|any|every)\s+(?:answer|",
          r"response|reply|output|summary)\s+(?:said|says|say|states?|stated|mentions?|mentioned|includes?|included|",
          r"reads?|contains?|gives?|gave)\b"),
    # second person about answering ("the figure you give is ...", "... when you answer")
    _rule("directive", r"^(?=.*\byou(?:r|rs|rself|'re|'ll)?\b)(?!.*\b(?:tell (?:us|me)|say what you)\b)",
          rf".*(?:{_YOU_ASKED})"),
    # an imperative about the answering situation ("Treat this document as ...", "Begin every reply ...")
    _rule("directive", rf"{_START}{_PRE}{_IMPERATIVE}(?=.*(?:{_SITUATION}))"),
    _rule("directive", rf"{_START}{_PRE}(?:give|quote|cite|report|state|present|list|put|describe|treat)\s+",
          r"[^.;!?]{0,60}?\s+(?:as|at)\s+\$?\d"),
    _rule("directive", rf"{_START}(?:do not|don't|never|avoid)\s+(?:mention|cite|quote|say|report|reveal|use|",
          r"repeat|give|state|include)(?:ing)?\s+(?:the\s+|any\s+)?(?:\$|\d|figures?|numbers?|amounts?|claims?|",
          r"facts?|sentences?|passages?|sources?|articles?|official|real|actual|true)"),
    _rule("directive", r"\b(?:the|your|an?)\s+(?:answer|response|reply)\s+to\s+(?:[\"']|(?:any|every|all|each)\s+|",
          r"(?:the\s+)?(?:questions?|quer(?:y|ies))\s+(?:about|on|regarding|concerning|like)\b)[^.]{0,120}\bis\b"),
    _rule("directive", r"^\W*(?:for the purposes? of|in|within|for)\s+(?:any|every|all|each|your)\s+",
          r"(?:answers?|responses?|repl(?:y|ies)|outputs?|summar(?:y|ies))\b\s*,"),
    # ------------------------------------------------ role play, chat templates, overrides
    _rule("role", r"\bsystem\s+(?:prompt|message|instructions?|override|note|directive)(?!s)\b"),
    # A chat-template role marker ("System:", "[INST]"), but not a table row shown with its headers
    # ("Developer: DayOne; Capacity: 72 MW; ..."), whose first column may be headed so.
    _rule("role", r"^\W{0,3}(?:\[|<\|?|<<|#{1,6}\s*)?(?:system|developer|assistant|sys|inst|instructions?)",
          r"\s*(?:\]|\|?>|>>|:(?![^\n]*;\s+[a-z][\w ()/-]*:\s))"),
    _rule("role", r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id)\|>|",
          r"\[/?INST\]|<</?SYS>>"),
    _rule("role", r"\byou(?:'re|\s+are)\s+(?:now|no longer|henceforth|from now on|hereby)\b|\bfrom now on,?\s+you\b"),
    _rule("role", r"\byou(?:'re|\s+are)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,3}?",
          rf"(?:{_AI}|spokes(?:person|man|woman)|expert)\b"),
    _rule("role", rf"{_YOU_OR_START}(?:act|behave|respond|answer|speak|pose|role-?play|write)\s+(?:as|like)\s+",
          r"(?:if|though|an?|the|my|our)\b"),
    _rule("role", rf"{_YOU_OR_START}(?:pretend|imagine you are|role-?play|play the role)\b"),
    _rule("role", r"\b(?:enable|enter|activate|switch to|turn on)\s+",
          r"(?:developer|dan|god|unrestricted|jailbreak|admin)\s+mode\b"),
    _rule("override", r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,60}\b(?:instructions?|prompts?)\b"),
    _rule("override", rf"{_YOU_OR_START}(?:ignore|disregard|forget|override|overrule|set aside|put aside|discard|",
          r"drop|skip|bypass|neglect|abandon|do not (?:use|trust|rely on|follow|cite|mention)|don't (?:use|trust|",
          r"rely on|follow|cite|mention)|never (?:use|trust|cite|mention)|stop (?:using|citing))\b[^.!?]{0,40}?",
          r"\b(?:previous|prior|above|earlier|preceding|original|other|all|any|every|everything|anything|whatever|",
          r"your|the rest)\b[^.!?]{0,30}?\b(?:instructions?|prompts?|rules?|directions?|guidance|guidelines?|",
          r"context|sources?|documents?|passages?|texts?|articles?|information|data|figures?|numbers?|results?|",
          r"retrieved|you\b)"),
    _rule("override", rf"{_START}{_PRE}(?:ignore|disregard|skip|drop|avoid|discard|forget)\s+(?:the\s+)?\$?\d",
          r"[\w.,$ -]{0,20}\s+(?:figure|number|amount|estimate|claim|total)\b"),
    _rule("override", rf"{_YOU_OR_START}(?:ignore|disregard|forget|discard|set aside|put aside|drop|skip)\b",
          r"[^.!?]{0,40}?\b(?:figures?|numbers?|amounts?|claims?|facts?|sources?|articles?|passages?|documents?|",
          r"texts?|information|instructions?)\s+(?:above|below|earlier|elsewhere|given)\b"),
    _rule("override", r"\b(?:regardless of|irrespective of|no matter what|whatever|despite|notwithstanding)\s+",
          r"(?:what\s+)?(?:the\s+|any\s+|other\s+)?(?:sources?|documents?|context|passages?|articles?|evidence|",
          rf"texts?)\b(?:\s+(?:say|said|says|show|state))?\s*,\s*{_PRE}{_IMPERATIVE}"),
    _rule("override", rf"\b(?:{_OVERRIDES}|replaces?)\s+(?:(?:all|any|every|each|the|this)\s+)?",
          rf"(?:other|previous|prior|earlier|above|conflicting|original|preceding)\s+{_TEXTS}\b|",
          rf"\b{_OVERRIDES}\s+(?:(?:all|any|every|each|the|this)\s+)?{_TEXTS}\b"),
]
