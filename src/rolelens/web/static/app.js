// rolelens page: vanilla JS, no build step, no third-party code. Every piece of user text
// reaches the page through textContent (never innerHTML), so a posting cannot inject markup.
// how a requirement's coverage reads on the page ("cannot_tell" is a CV's limit, not a gap)
const COVERAGE = { covered: "covered", partly: "partly", missing: "missing", cannot_tell: "cannot tell from a CV" };

const $ = (id) => document.getElementById(id);

const MODES = {
  posting: {
    hint: "Paste a job posting. rolelens reads its duties and requirements and says which role the work describes — and whether the title agrees.",
    label: "Posting text",
    placeholder: "Paste the posting here…",
    button: "Read the posting",
    accept: ".txt,.md,.markdown,.html,.htm",
    title: true,
  },
  brief: {
    hint: "Describe the business problem in your own words: the outcome you want, the data you hold, how it must run. rolelens says whom to hire — or that you may not need an AI hire.",
    label: "Problem brief",
    placeholder: "We want to…",
    button: "Scope the hire",
    accept: ".txt,.md,.markdown,.html,.htm",
  },
  cv: {
    hint: "Paste a CV or upload one (PDF, DOCX, HTML or text). rolelens weighs shipped work above keyword lists and says which role the work points to.",
    label: "CV text",
    placeholder: "Paste the CV here, or upload a file…",
    button: "Read the CV",
    accept: ".pdf,.docx,.txt,.md,.markdown,.html,.htm",
    likes: true,
  },
  match: {
    hint: "Paste a CV and a posting: rolelens checks each requirement against the CV's shipped work and lists the gaps.",
    label: "CV text",
    placeholder: "Paste the CV here, or upload a file…",
    button: "Match the CV",
    accept: ".pdf,.docx,.txt,.md,.markdown,.html,.htm",
    second: true,
  },
};

const EXAMPLES = {
  posting: `Machine Learning Engineer — Support Automation

About us
Brightwell Insurance serves two million households across the Midlands. Our digital team is small and ships every week.

What you'll do
- Build a claims assistant on top of GPT-4o that answers policyholders from our policy documents.
- Design the retrieval layer: chunk and embed our policy wording, store it in pgvector and serve answers with citations.
- Add tool calling so the assistant can look up a claim's status in our claims API.
- Write an evaluation suite for groundedness and hallucination rate and run it before every prompt change.
- Track latency and cost per conversation in production.

What you'll bring
- 4+ years of Python backend work with APIs you have owned in production.
- Experience shipping features on LLM APIs and vector databases.
- You will not train models: we use hosted foundation models as they are.

Nice to have
- LangChain or LlamaIndex.
`,
  brief: `We run 40 warehouses and our planners re-order stock by hand from spreadsheets. We have five years of daily sales and stock levels per product in our data warehouse. We want to predict weekly demand per product and site so that we cut stock-outs by a third, and the forecasts must refresh every night for the planners' dashboard. We have no data team yet.`,
  cv: `Priya Raman — Machine learning engineer

Experience
Senior ML Engineer, Northwind Logistics (2021-03 – present)
- Built and shipped a demand-forecasting model (LightGBM) trained on 4 years of order history; cut stock-outs by 18%.
- Owned the feature pipeline in Airflow and dbt; retrained weekly with drift monitoring in MLflow.
- Served the model behind a FastAPI service handling 2,000 requests per minute.

Data Scientist, Kestrel Retail (2018-06 – 2021-02)
- Designed A/B tests for pricing; analysis in Python and SQL reported to the board.

Skills
Python, PyTorch, scikit-learn, LightGBM, SQL, Airflow, MLflow, Docker, Kubernetes, LangChain
`,
};

// the CV tab and "CV vs posting" share one CV (pasted or uploaded); each tab keeps its own
// result, so switching tabs never shows one tab's answer beside another tab's form
const SLOT = { posting: "posting", brief: "brief", cv: "cv", match: "cv" };

const state = {
  mode: "posting",
  roles: {},
  features: new Set(["read", "scope"]),
  token: sessionStorage.getItem("rolelens-token") || "",
  cvFile: null, // the CV uploaded as PDF/DOCX, for the CV and "CV vs posting" tabs
  inputs: { posting: { text: "", title: "" }, brief: { text: "" }, cv: { text: "", likes: "" }, against: "" },
  results: {}, // mode -> {nodes, last}
  last: null, // {mode, result, path, request} of the tab shown
};

// ---------- small DOM helpers ----------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const pct = (p) => `${Math.round(p * 100)}%`;
const dec = (p) => p.toFixed(2);
const roleName = (id) => {
  if (!id) return "no known role";
  if (id === "ambiguous") return "ambiguous";
  if (id === "undetermined") return "undetermined";
  if (id === "hybrid") return "Hybrid ML + GenAI engineer";
  return (state.roles[id] && state.roles[id].name) || id.replace(/_/g, " ");
};
const signed = (x) => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(2);

function section(title, ...children) {
  return el("section", { class: "block" }, el("h3", { text: title }), ...children);
}

function list(items, cls = "plain") {
  return el("ul", { class: cls }, items.map((item) => el("li", {}, item)));
}

// ---------- the API ----------
class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, { json, form, accept } = {}) {
  const headers = { Accept: accept || "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  const response = await fetch(path, { method: body ? "POST" : "GET", headers, body });
  if (!response.ok) {
    let code = "error";
    let message = `${response.status} ${response.statusText}`;
    try {
      const err = (await response.json()).error;
      code = err.code;
      message = err.message;
    } catch (_) { /* not a coded body */ }
    if (response.status === 401) $("token-field").hidden = false;
    throw new ApiError(response.status, code, message);
  }
  return accept && accept.startsWith("text/") ? response.text() : response.json();
}

async function loadRoles() {
  try {
    const tax = await api("/v1/taxonomy");
    for (const role of tax.roles) state.roles[role.id] = role;
    $("meta").textContent = `${tax.roles.length} roles · taxonomy ${tax.version} · scorer ${tax.scorer_version}`;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
}

async function loadHealth() {
  try {
    const health = await api("/healthz");
    state.features = new Set(health.features || ["read", "scope"]);
  } catch (_) { /* the page still works for reading */ }
  $("tab-cv").hidden = !state.features.has("cv");
  $("tab-match").hidden = !state.features.has("match");
}

// ---------- HTML to text, as the server does, so offsets point into what is shown ----------
const BLOCK = new Set(["P", "DIV", "SECTION", "ARTICLE", "HEADER", "FOOTER", "MAIN", "ASIDE", "BR", "TR",
  "TABLE", "UL", "OL", "DL", "DT", "DD", "BLOCKQUOTE", "PRE", "HR", "FORM", "NAV"]);
const DROP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "IFRAME", "OBJECT", "HEAD", "CANVAS"]);

// the site's chrome around a posting (rolelens.io.text._CHROME, _CHROME_BY_ROLE)
const CHROME = new Set(["NAV", "FOOTER", "ASIDE", "FORM"]);
const CHROME_ROLES = new Set(["navigation", "contentinfo", "complementary", "search"]);
const POSTING_TAGS = "html|head|body|main|article|section|header|div|span|p|br|hr|h[1-6]|ul|ol|li|dl|table|blockquote|strong|b|em|i|u|font|center";
const HTML_START = new RegExp(`^<(?:!doctype\\s+html|(?:${POSTING_TAGS})\\b[^<>]{0,400}>)`, "i");
// the same tags escaped once, and real ones (rolelens.io.text._ESCAPED_TAG, _REAL_TAG)
const ESCAPED_TAG = `&lt;(?:!doctype\\s+html|/?(?:${POSTING_TAGS})(?=[\\s/&]))(?:(?!&[lg]t;)[^<>]){0,400}&gt;`;
const REAL_TAG = new RegExp(`<(?:!doctype\\s+html|/?(?:${POSTING_TAGS})(?=[\\s/>]))[^<>]{0,400}>`, "gi");
const ESCAPED_TAGS_MIN = 3;

function looksLikeHtml(text) {
  return HTML_START.test(text.trimStart().slice(0, 500));
}

// HTML escaped once, as job feeds ship descriptions (rolelens.io.text.looks_like_escaped_html)
function looksLikeEscapedHtml(text) {
  if (!text.includes("&")) return false;
  const escaped = (text.match(new RegExp(ESCAPED_TAG, "gi")) || []).length;
  if (!escaped) return false;
  const opens = new RegExp(`^${ESCAPED_TAG}`, "i").test(text.trimStart());
  return (opens || escaped >= ESCAPED_TAGS_MIN) && escaped > (text.match(REAL_TAG) || []).length;
}

// html.unescape: a <textarea>'s content is text, its character references decoded and no tag
// made ("</" is escaped, so the text cannot close it); DOMParser's document is inert
function unescapeHtml(text) {
  const source = `<textarea>${text.replace(/<\//g, "&lt;/")}</textarea>`;
  return new DOMParser().parseFromString(source, "text/html").querySelector("textarea").textContent;
}

// The text the server reads in a text given (rolelens.io.text.readable_text).
function readableText(text) {
  if (looksLikeHtml(text)) return htmlToText(text);
  if (looksLikeEscapedHtml(text)) return htmlToText(unescapeHtml(text));
  return text;
}

// the job a page's <title> names, without the site's name (rolelens.io.text.page_title)
const TITLE_SEPARATOR = /( [|\u2013\u2014] | - )/u; // after spaces are collapsed
const NOT_WORD_BEFORE = "(?<![\\p{L}\\p{N}_])";
const NOT_WORD_AFTER = "(?![\\p{L}\\p{N}_])";
const CAREERS = new RegExp(`${NOT_WORD_BEFORE}(?:careers?|jobs|job board|job openings|open (?:positions|roles)|vacanc(?:y|ies)|join us|join our team|work with us)${NOT_WORD_AFTER}`, "iu");
const CAREERS_FILLER = new RegExp(`${NOT_WORD_BEFORE}(?:at|our|the|all|current|and|&)${NOT_WORD_AFTER}`, "giu");

function pageTitle(title) {
  let parts = title.split(/\s+/).filter(Boolean).join(" ").split(TITLE_SEPARATOR);
  if (CAREERS.test(parts[0])) {
    if (!hasWords(parts[0].replace(new RegExp(CAREERS.source, "giu"), "").replace(CAREERS_FILLER, ""))) return "";
    parts = parts.slice(2);
  }
  for (let i = 2; i < parts.length; i += 2) {
    if (CAREERS.test(parts[i])) { parts = parts.slice(0, i - 1); break; }
  }
  return parts.join("");
}

const hasWords = (text) => /[\p{L}\p{N}]/u.test(text || "");

// One block a line, headings as Markdown, the page's first <h1> with text first (else its
// <title> without the site's name), the chrome left out, a <header> of nothing but links too
// (rolelens.io.text.html_to_text).
function htmlToText(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const out = [];
  let h1 = null;
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { out.push(node.nodeValue); return; }
    if (node.nodeType !== Node.ELEMENT_NODE || DROP.has(node.tagName) || CHROME.has(node.tagName)) return;
    if (CHROME_ROLES.has(node.getAttribute("role"))) return;
    const tag = node.tagName;
    if (tag === "HEADER" && !node.querySelector("h1,h2,h3,h4,h5,h6") && !textOutsideLinks(node)) return;
    const heading = /^H([1-6])$/.exec(tag);
    const begin = out.length;
    if (heading) out.push("\n" + "#".repeat(Number(heading[1])) + " ");
    else if (tag === "LI") out.push("\n- ");
    else if (BLOCK.has(tag)) out.push("\n");
    for (const child of node.childNodes) walk(child);
    if (heading || tag === "LI" || BLOCK.has(tag)) out.push("\n");
    if (tag === "H1" && h1 === null && hasWords(node.textContent)) h1 = [begin, out.length];
  };
  walk(doc.body || doc.documentElement);
  let parts = out;
  if (h1) parts = [...out.slice(h1[0], h1[1]), ...out.slice(0, h1[0]), ...out.slice(h1[1])];
  else if (doc.head && doc.head.querySelector("title")) {
    const title = pageTitle(doc.head.querySelector("title").textContent);
    if (hasWords(title)) parts = ["# " + title + "\n", ...out];
  }
  return parts.join("").split("\n").map((l) => l.split(/\s+/).filter(Boolean).join(" "))
    .map((l) => (l.replace(/#/g, "") ? l : ""))
    .join("\n").replace(/\n{3,}/g, "\n\n").trim();
}

// text in a <header> outside its links and navigation: then it is not navigation alone
function textOutsideLinks(node) {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE && hasWords(child.nodeValue)) return true;
    if (child.nodeType !== Node.ELEMENT_NODE || child.tagName === "A" || DROP.has(child.tagName)) continue;
    if (CHROME.has(child.tagName) || CHROME_ROLES.has(child.getAttribute("role"))) continue;
    if (textOutsideLinks(child)) return true;
  }
  return false;
}

// ---------- evidence highlighting ----------
const tip = $("tip");

function evidenceClass(ev, top) {
  if (ev.negated) return "neg";
  const c = ev.contributions || {};
  if ((c[top] || 0) > 0) return "top";
  if (Object.values(c).some((v) => v > 0)) return "other";
  return "zero";
}

function explain(ev) {
  const where = [ev.section.replace(/_/g, " ")];
  if (ev.level) where.push(ev.level);
  if (ev.use) where.push(ev.use);
  if (ev.listed) where.push("listed in a keyword list");
  if (ev.negated) where.push("negated: set aside");
  if (ev.similarity != null) where.push(`in other words: similarity ${ev.similarity.toFixed(2)}`);
  const points = Object.entries(ev.contributions || {})
    .filter(([, v]) => v !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, 3)
    .map(([role, v]) => `${roleName(role)} ${signed(v)}`);
  return { title: `${ev.label} (${ev.kind})`, where: where.join(" · "), points };
}

function showTip(mark, ev) {
  const info = explain(ev);
  tip.replaceChildren(
    el("b", { text: info.title }),
    el("div", { text: info.where }),
    info.points.length ? el("ul", {}, info.points.map((p) => el("li", { text: p }))) : el("div", { text: "no points: counted for no role" }),
  );
  tip.hidden = false;
  const box = mark.getBoundingClientRect();
  const width = tip.offsetWidth;
  const left = Math.max(8, Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - width - 8));
  tip.style.left = `${left}px`;
  tip.style.top = `${window.scrollY + box.bottom + 6}px`;
  mark.classList.add("active");
}

function hideTip(mark) {
  tip.hidden = true;
  if (mark) mark.classList.remove("active");
}

function markFor(ev, words, top) {
  const info = explain(ev);
  const mark = el("mark", {
    class: `ev ${evidenceClass(ev, top)}${ev.listed || ev.use === "listed" ? " listed" : ""}`,
    tabindex: 0,
    "aria-describedby": "tip",
    "data-item": ev.item,
    title: null,
  }, words);
  mark.dataset.explain = `${info.title}; ${info.where}`;
  mark.addEventListener("mouseenter", () => showTip(mark, ev));
  mark.addEventListener("focus", () => showTip(mark, ev));
  mark.addEventListener("mouseleave", () => hideTip(mark));
  mark.addEventListener("blur", () => hideTip(mark));
  return mark;
}

// Offsets from the server count code points; JS strings count UTF-16 units, so slice code points.
function highlighted(text, evidence, top) {
  const chars = Array.from(text);
  const spans = evidence.filter((e) => e.section !== "title" && e.end > e.start && e.end <= chars.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const parts = [];
  let pos = 0;
  for (const ev of spans) {
    if (ev.start < pos) continue; // overlapping mention: the earlier, longer one is shown
    if (ev.start > pos) parts.push(chars.slice(pos, ev.start).join(""));
    parts.push(markFor(ev, chars.slice(ev.start, ev.end).join(""), top));
    pos = ev.end;
  }
  if (pos < chars.length) parts.push(chars.slice(pos).join(""));
  return parts;
}

function legend() {
  return el("ul", { class: "legend", "aria-label": "Highlight colours" },
    el("li", {}, el("span", { class: "sw top", "aria-hidden": "true" }), "counts for the verdict"),
    el("li", {}, el("span", { class: "sw other", "aria-hidden": "true" }), "counts for another role"),
    el("li", {}, el("span", { class: "sw neg", "aria-hidden": "true" }), "negated (“no training needed”)"),
    el("li", { text: "dashed underline: a bare keyword list" }));
}

function roleBars(scores, top) {
  const rows = Object.entries(scores).sort((a, b) => b[1] - a[1]).filter(([, p]) => p >= 0.005);
  return el("ul", { class: "bars", "aria-label": "Probability of each role" }, rows.map(([role, p]) =>
    el("li", { class: role === top ? "top" : "" },
      el("span", { class: "name", text: roleName(role) }),
      el("span", { class: "track", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": Math.round(p * 100), "aria-label": roleName(role) },
        fill(p)),
      el("span", { class: "pct", text: pct(p) }))));
}

function fill(p) {
  const bar = el("span", { class: "fill" });
  bar.style.width = `${(p * 100).toFixed(1)}%`; // CSSOM, allowed by the page's CSP
  return bar;
}

function downloads(markdown) {
  return el("div", { class: "downloads" },
    el("button", { type: "button", class: "btn", id: "dl-json", onclick: () => download("json") }, "Download JSON"),
    markdown ? el("button", { type: "button", class: "btn", id: "dl-md", onclick: () => download("md") }, "Download Markdown") : null);
}

function evidenceTable(evidence, top, limit = 12) {
  const counted = evidence.filter((e) => (e.contributions[top] || 0) > 0)
    .sort((a, b) => b.contributions[top] - a.contributions[top]).slice(0, limit);
  if (!counted.length) return el("p", { class: "nothing", text: "No mention pointed to this role." });
  return el("table", {},
    el("thead", {}, el("tr", {}, el("th", { text: "As written" }), el("th", { text: "Evidence" }), el("th", { text: "Where" }), el("th", { class: "num", text: "Points" }))),
    el("tbody", {}, counted.map((e) => el("tr", {},
      el("td", { text: e.text }), el("td", { text: e.label }),
      el("td", { text: [e.section.replace(/_/g, " "), e.level === "preferred" ? "preferred" : "", e.listed || e.use === "listed" ? "listed" : e.use || ""].filter(Boolean).join(", ") }),
      el("td", { class: "num", text: signed(e.contributions[top]) })))));
}

// ---------- renderers ----------
function renderReading(r, text) {
  const title = r.title || {};
  const facts = el("ul", { class: "facts" },
    el("li", {}, "Title says: ", el("b", { text: title.text ? roleName(title.role) : "no title given" })),
    el("li", {}, "Seniority: ", el("b", { text: r.seniority || "not stated" }),
      r.seniority && r.seniority_basis !== "none" ? ` (from the ${r.seniority_basis === "years" ? "years asked" : r.seniority_basis})` : ""),
    el("li", {}, "Evidence: ", el("b", { text: String(r.evidence.length) }), " mentions"));
  const flags = [];
  const undetermined = r.role === "undetermined";
  // an undetermined reading still shows what the scores lean to
  const shown = undetermined && r.secondary ? r.secondary : r.role;
  if (undetermined) flags.push(el("div", { class: "callout warn", role: "note", id: "undetermined" }, el("strong", { text: "No role: too little to read" }), r.undetermined_reason || ""));
  if (r.mismatch) flags.push(el("div", { class: "callout warn", role: "note", id: "mismatch" }, el("strong", { text: "Title and work disagree" }), r.mismatch_reason || ""));
  if (r.hybrid) flags.push(el("div", { class: "callout hybrid", role: "note", id: "hybrid" }, el("strong", { text: "Hybrid: ML and GenAI both central" }), r.hybrid_reason || ""));
  if (!r.mismatch && title.text && title.role && title.role !== "ambiguous" && title.role === r.role) {
    flags.push(el("div", { class: "callout ok", role: "note" }, el("strong", { text: "Title and work agree" }), `“${title.text}” names the role the duties describe.`));
  }
  const titleEvidence = r.evidence.filter((e) => e.section === "title");
  return [
    el("div", { class: "verdict" },
      el("div", {},
        el("div", { class: "label", text: "By the work" }),
        el("div", { class: "role", id: "verdict-role", text: roleName(r.role) }),
        el("div", { class: "sub", text: undetermined ? `the scores lean to ${roleName(shown)} (${dec(r.confidence)}), on priors rather than evidence` : `probability ${dec(r.confidence)}${r.secondary ? ` · next: ${roleName(r.secondary)}` : ""}` })),
      downloads(true)),
    ...flags,
    facts,
    section("Role probabilities", roleBars(r.scores, shown)),
    section("The text, evidence highlighted",
      el("p", { class: "help", text: "Hover over or tab to a highlight to see what it counted for." }),
      legend(),
      el("div", { class: "doc", id: "doc", tabindex: -1, "aria-label": "The posting with evidence highlighted" },
        title.text ? el("div", { class: "doc-title" }, "Title: ", ...highlighted(title.text, titleEvidence.map((e) => ({ ...e, section: "t" })), shown)) : null,
        ...highlighted(text, r.evidence, shown))),
    section(`Strongest evidence for ${roleName(shown)}`, evidenceTable(r.evidence, shown), wordsLine(r.words)),
  ];
}

// what the plain words of the duties and requirements added (the word layer), when fitted
function wordsLine(words) {
  if (!words || !words.role) return null;
  const total = words.points[words.role] || 0;
  if (!words.leading.length && Math.abs(total) < 0.005) return null;
  return el("p", { class: "help", id: "words-line" },
    `Plain words of the duties and requirements add ${signed(total)} to ${roleName(words.role)}`,
    words.leading.length ? ": " : "",
    words.leading.map((t, i) => [i ? ", " : "", el("q", { text: t.word }), ` ${signed(t.points)}`]));
}

function figureLine(fig) {
  const src = fig.sources.map((s) => `${s.publisher.split(" (")[0]}, “${s.title}”, ${s.year}`).join("; ");
  return [el("span", { text: `${fig.text} — ${fig.description} ` }), el("span", { class: "src", text: `(${src}${fig.derived ? `; computed as ${fig.derived}` : ""})` })];
}

function renderScoping(s, text) {
  const out = [
    el("div", { class: "verdict" },
      el("div", {},
        el("div", { class: "label", text: "Hire" }),
        el("div", { class: "role", id: "verdict-role", text: s.name }),
        el("div", { class: "sub", text: s.undetermined ? `not decided: the brief leans to ${s.leading} (${dec(s.confidence)}); answer the questions below` : `confidence ${dec(s.confidence)} · ${s.level} level · pay for ${s.region}` })),
      downloads(true)),
  ];
  if (s.no_ai_hire) out.push(el("div", { class: "callout warn", role: "note" }, el("strong", { text: "You may not need an AI hire" }), s.no_ai_hire));
  out.push(section("Outcome probabilities", roleBars(s.scores, s.role)));
  const quoted = s.steps.flatMap((st) => st.signals.map((sig) => ({
    item: sig.cue, label: sig.label, kind: "cue", text: sig.quote.text, start: sig.quote.start, end: sig.quote.end,
    section: st.id, contributions: sig.points, negated: false, listed: false,
  })));
  out.push(section("Why: the procedure, step by step",
    el("ol", { class: "steps" }, s.steps.map((st) => el("li", {},
      el("strong", { text: st.title }), el("div", { class: "asks", text: st.asks }),
      el("div", { class: st.found ? "" : "nothing", text: st.found ? st.finding : `Found nothing: ${st.finding}` }),
      el("div", {}, dedupe(st.signals).slice(0, 4).map((sig) => el("span", { class: "quote", title: sig.label, text: `“${sig.quote.text}”` }))),
      st.figures.map((f) => el("div", { class: "src" }, "Threshold: ", ...figureLine(f))))))));
  if (text) {
    out.push(section("The brief, with the words each step used",
      legend(), el("div", { class: "doc", id: "doc" }, ...highlighted(s.text || text, quoted, s.role))));
  }
  out.push(section("Alternatives and when each would win", s.alternatives.length
    ? el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "Hire" }), el("th", { class: "num", text: "Probability" }), el("th", { text: "Would win when" }))),
      el("tbody", {}, s.alternatives.map((a) => el("tr", {}, el("td", { text: a.name + (a.ai_hire ? "" : " (no AI hire)") }), el("td", { class: "num", text: dec(a.probability) }), el("td", { text: a.wins_when })))))
    : el("p", { class: "nothing", text: "No alternative carries real weight." })));
  out.push(section("Warnings", s.warnings.length
    ? s.warnings.map((w) => el("div", { class: "callout warn", role: "note" }, el("strong", { text: w.title }), w.message,
      w.because.length ? el("div", {}, "Raised by: ", w.because.map((q) => el("span", { class: "quote", text: `“${q.text}”` }))) : null,
      w.figures.map((f) => el("div", { class: "src" }, ...figureLine(f)))))
    : el("p", { class: "nothing", text: "None of the known failure modes shows in the brief." })));
  out.push(section("Questions to ask", s.questions.length ? list(s.questions.map((q) => q.text)) : el("p", { class: "nothing", text: "None: the brief covers every step." })));
  out.push(section("What follows",
    el("h4", { text: "Typical stack" }), el("ul", { class: "chips" }, s.stack.map((x) => el("li", { text: x }))),
    el("h4", { text: "KPIs" }), list(s.kpis),
    el("h4", { text: "Evaluation metrics" }), list(s.eval_metrics),
    el("h4", { text: `Pay (${s.region})` }),
    s.salary.length ? list(s.salary.map((b) => [el("b", { text: `${b.label}${b.proxy_for ? ` (stands in for ${b.proxy_for})` : ""}: ` }), ...figureLine(b.amount)])) : el("p", { class: "nothing", text: `No source gives pay for ${s.name}.` }),
    s.comparisons.length ? [el("h4", { text: "Where sources disagree" }), list(s.comparisons.map((b) => [el("b", { text: `${b.label}: ` }), ...figureLine(b.amount)]))] : null,
    el("h4", { text: "Cost: the recommended hire next to the cheapest adequate one" }),
    list(s.cost.map((c) => [el("b", { text: `${c.name} ` }), `(${c.ai_hire ? "AI hire" : "no AI hire"}, ${c.basis}): `,
      ...(c.amount ? figureLine(c.amount) : ["not priced by any source."]), c.note ? el("div", { class: "src", text: c.note }) : null]))));
  const jd = s.job_description;
  if (!jd) return out; // undetermined: no job description or interview loop for an undecided hire
  out.push(section(`Job description draft: ${jd.title}`,
    el("div", { class: "jd", id: "jd" },
      el("p", { text: jd.summary }),
      jd.first_project ? el("p", {}, el("b", { text: "The first problem, in the brief’s words: " }), `“${jd.first_project}”`) : null,
      el("h4", { text: "What you will do" }), list(jd.responsibilities),
      el("h4", { text: "What you have shipped" }), list(jd.shipped_work),
      el("h4", { text: "Tools you will use" }), el("ul", { class: "chips" }, jd.stack.map((x) => el("li", { text: x }))),
      el("h4", { text: "How success is measured" }), list(jd.success_measures),
      jd.not_required.length ? el("p", {}, el("b", { text: "Not required: " }), jd.not_required.join("; ")) : null)));
  const loop = s.interview_loop;
  out.push(section("Interview loop (tests shipped work)",
    el("ol", { class: "steps", id: "loop" }, loop.stages.map((st) => el("li", {}, el("strong", { text: st.name }), ` — ${st.purpose}`))),
    el("p", {}, el("b", { text: "Work sample: " }), loop.work_sample),
    el("p", {}, el("b", { text: "Design question: " }), loop.design_question),
    loop.probes.map((p) => el("details", {}, el("summary", { text: `Probing questions: ${p.skill}` }), list(p.questions))),
    el("p", {}, el("b", { text: "Debrief: " }), loop.debrief)));
  return out;
}

function dedupe(signals) {
  const seen = new Set();
  return signals.filter((s) => {
    const key = `${s.quote.start}:${s.quote.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function renderCv(cv, text, advice) {
  const out = [
    el("div", { class: "verdict" },
      el("div", {},
        el("div", { class: "label", text: "The work shown points to" }),
        el("div", { class: "role", id: "verdict-role", text: roleName(cv.role) }),
        el("div", { class: "sub", text: `probability ${dec(cv.confidence)}${cv.years_experience != null ? ` · ${cv.years_experience.toFixed(1)} years of dated work` : ""}${cv.seniority ? ` · ${cv.seniority}` : ""}` })),
      downloads(false)),
  ];
  if (cv.keyword_stuffing) out.push(el("div", { class: "callout warn", role: "note" }, el("strong", { text: "Keyword stuffing" }), cv.keyword_stuffing_reason || ""));
  if (cv.listed_role && cv.listed_role !== cv.role) out.push(el("div", { class: "callout hybrid", role: "note" }, el("strong", { text: "The skills list says something else" }), `The skills list alone points to ${roleName(cv.listed_role)}; the work shown points to ${roleName(cv.role)}.`));
  for (const w of cv.warnings || []) out.push(el("div", { class: "callout warn", role: "note", text: w }));
  out.push(section("Role probabilities", roleBars(cv.scores, cv.role)));
  if (text && !cv.redacted) {
    out.push(section("The CV, evidence highlighted", el("p", { class: "help", text: "Hover over or tab to a highlight to see what it counted for." }), legend(),
      el("div", { class: "doc", id: "doc" }, ...highlighted(text, cv.evidence, cv.role))));
  }
  out.push(section(`Strongest evidence for ${roleName(cv.role)}`, evidenceTable(cv.evidence, cv.role)));
  if (cv.outcomes.length) out.push(section("Shipped work (outcome statements)", list(cv.outcomes.map((o) => o.text))));
  if (cv.unshown_claims.length) out.push(section("Claimed but never shown in work", el("ul", { class: "chips" }, cv.unshown_claims.map((x) => el("li", { text: x })))));
  if (advice) out.push(...renderCareer(advice));
  return out;
}

function renderCareer(a) {
  const statusWord = { shown: "shown in work", listed: "only listed", missing: "missing" };
  return [
    section("Career advice",
      el("div", { class: "callout ok", role: "note", id: "career" }, el("strong", { text: `Target: ${a.target_name}` }), a.reason),
      el("ul", { class: "facts" },
        el("li", {}, "Background: ", el("b", { text: roleName(a.background_role) })),
        a.alternatives.length ? el("li", {}, "Also open: ", el("b", { text: a.alternatives.map(roleName).join(", ") })) : null),
      a.interests.length ? [el("h4", { text: "What you enjoy points to" }),
        list(a.interests.map((i) => `${i.label} → ${roleName(i.role)} (“${i.words.join("”, “")}”)`))] : null,
      a.strengths.length ? [el("h4", { text: "Strengths for the target, shown in work" }), el("ul", { class: "chips" }, a.strengths.map((x) => el("li", { text: x })))] : null),
    section("Gaps to the target",
      a.gaps.length
        ? el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "Core skill" }), el("th", { text: "Status" }), el("th", { text: "Shown by" }))),
          el("tbody", {}, a.gaps.map((g) => el("tr", {}, el("td", { text: g.skill }), el("td", { text: statusWord[g.status] || g.status }), el("td", { text: g.evidence.join(", ") })))))
        : el("p", { class: "nothing", text: "No gaps: the CV shows every core skill of the target." })),
    section("Learning path, in order",
      el("ol", { class: "steps", id: "learning" }, a.learning_path.map((st) => el("li", {},
        el("strong", { text: st.label }), st.durable ? " (durable concept)" : "", st.status === "refresh" ? " — listed but never shown: refresh it" : "",
        el("div", { class: "asks", text: st.why }))))),
  ];
}

function renderMatch(m) {
  const out = [
    el("div", { class: "verdict" },
      el("div", {},
        el("div", { class: "label", text: "Fit" }),
        el("div", { class: "role", id: "verdict-role", text: `${m.fit_label} (${dec(m.fit_score)})` }),
        el("div", { class: "sub", text: `CV: ${roleName(m.cv_role)} · posting: ${roleName(m.posting_role)} · ${pct(m.coverage)} of requirements covered` })),
      downloads(false)),
    el("div", { class: `callout ${m.alignment === "aligned" ? "ok" : "warn"}`, role: "note" }, el("strong", { text: `Roles ${m.alignment}` }), m.alignment_reason),
  ];
  if (m.keyword_stuffing) out.push(el("div", { class: "callout warn", role: "note" }, el("strong", { text: "Keyword stuffing" }), m.cv.keyword_stuffing_reason || "The CV lists far more than its work shows."));
  const years = m.years_required != null ? `${m.years_experience != null ? m.years_experience.toFixed(1) : "no"} years of dated work; the posting asks for ${m.years_required}+` : null;
  out.push(el("ul", { class: "facts" },
    el("li", {}, "Covered: ", el("b", { text: String(m.covered) })),
    el("li", {}, "Partly: ", el("b", { text: String(m.partly) })),
    el("li", {}, "Missing: ", el("b", { text: String(m.missing) })),
    m.cannot_tell ? el("li", {}, "Cannot tell from a CV: ", el("b", { text: String(m.cannot_tell) })) : null,
    years ? el("li", { text: years }) : null));
  out.push(section("Requirements, one by one",
    el("table", { id: "requirements" }, el("thead", {}, el("tr", {}, el("th", { text: "Requirement" }), el("th", { text: "Status" }), el("th", { text: "The CV shows" }), el("th", { text: "Missing" }))),
      el("tbody", {}, m.requirements.map((r) => el("tr", {},
        el("td", { text: r.text }), el("td", { text: `${COVERAGE[r.status] || r.status}${r.level === "preferred" ? " (preferred)" : ""}` }),
        el("td", { text: [...r.evidence, ...(r.similar ? [`in other words (${r.similar.similarity.toFixed(2)}): ${r.similar.text}`] : [])].join(", ") }),
        el("td", { text: r.missing.join(", ") })))))));
  if (m.gaps.length) out.push(section("Required, not shown", el("ul", { class: "chips" }, m.gaps.map((x) => el("li", { text: x })))));
  if (m.probes.length) out.push(section("Interview probes", list(m.probes.map((p) => [el("b", { text: `${p.label}: ` }), p.question]))));
  const penalties = Object.entries(m.penalties || {}).filter(([, v]) => v);
  if (penalties.length) out.push(section("Taken off the score", list(penalties.map(([k, v]) => `${k.replace(/_/g, " ")}: −${v.toFixed(2)}`))));
  return out;
}

// ---------- running ----------
function setStatus(message, error = false) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", error);
}

function show(nodes) {
  hideTip();
  const output = $("output");
  output.replaceChildren(...nodes.flat().filter(Boolean));
  output.hidden = false;
  $("empty").hidden = true;
}

function showEmpty() {
  hideTip();
  $("output").replaceChildren();
  $("output").hidden = true;
  $("empty").hidden = false;
}

// keep what the user typed in this tab's fields, to put back when they return to it
function saveInputs(mode) {
  const slot = state.inputs[SLOT[mode]];
  slot.text = $("text").value;
  if (mode === "posting") slot.title = $("title").value;
  if (mode === "cv") slot.likes = $("likes").value;
  if (mode === "match") state.inputs.against = $("text2").value;
}

function restoreInputs(mode) {
  const slot = state.inputs[SLOT[mode]];
  $("text").value = slot.text || "";
  $("title").value = slot.title || "";
  $("likes").value = slot.likes || "";
  // the posting to match against starts as the posting pasted on the posting tab
  $("text2").value = state.inputs.against || state.inputs.posting.text || "";
  const file = SLOT[mode] === "cv" ? state.cvFile : null;
  $("filename").textContent = file ? file.name : "";
  if (file) $("text").placeholder = `${file.name} will be sent as it is.`;
}

function cvForm(extra = {}) {
  const form = new FormData();
  // pasted text goes as a file too: multipart encoding turns a text field's line breaks
  // into CRLF, which would shift every evidence offset after the first line
  if (state.cvFile) form.append("file", state.cvFile, state.cvFile.name);
  else form.append("file", new Blob([$("text").value], { type: "text/plain" }), "cv.txt");
  for (const [key, value] of Object.entries(extra)) if (value) form.append(key, value);
  return form;
}

async function run(event) {
  if (event) event.preventDefault();
  const mode = state.mode;
  let text = $("text").value;
  if (!text.trim() && !(state.cvFile && (mode === "cv" || mode === "match"))) {
    setStatus("Paste some text first (or upload a file).", true);
    $("text").focus();
    return;
  }
  const readable = readableText(text);
  if (readable !== text) {
    text = readable;
    $("text").value = text;
  }
  if (mode === "match") $("text2").value = readableText($("text2").value);
  if (mode === "match" && !$("text2").value.trim()) {
    setStatus("Paste the posting to match against.", true);
    $("text2").focus();
    return;
  }
  const button = $("run");
  button.disabled = true;
  setStatus("Reading…");
  const started = performance.now();
  try {
    let nodes;
    if (mode === "posting") {
      const request = { description: text, title: $("title").value.trim() || null };
      const result = await api("/v1/read", { json: request });
      state.last = { mode, result, path: "/v1/read", request };
      nodes = renderReading(result, text);
    } else if (mode === "brief") {
      const request = { brief: text };
      const result = await api("/v1/scope", { json: request });
      state.last = { mode, result, path: "/v1/scope", request };
      nodes = renderScoping(result, text.trim());
    } else if (mode === "cv") {
      // career advice carries the CV's reading, so one request gives both
      const advice = state.features.has("career");
      const result = await api(advice ? "/v1/career" : "/v1/cv", { form: cvForm({ likes: advice ? $("likes").value : "" }) });
      state.last = { mode, result };
      nodes = advice ? renderCv(result.cv, state.cvFile ? "" : text, result) : renderCv(result, state.cvFile ? "" : text, null);
    } else {
      const result = await api("/v1/match", { form: cvForm({ posting: $("text2").value }) });
      state.last = { mode, result };
      nodes = renderMatch(result);
    }
    state.results[mode] = { nodes, last: state.last };
    if (state.mode === mode) show(nodes); // the user may have switched tabs while it ran
    setStatus(`Done in ${Math.round(performance.now() - started)} ms.`);
    $("results").focus({ preventScroll: window.innerWidth > 900 });
  } catch (err) {
    setStatus(err instanceof ApiError ? `${err.code}: ${err.message}` : `Something went wrong: ${err.message}`, true);
  } finally {
    button.disabled = false;
  }
}

async function download(kind) {
  const last = state.last;
  if (!last) return;
  const stem = { posting: "reading", brief: "scoping", cv: "cv-reading", match: "match" }[last.mode];
  let content;
  let type;
  if (kind === "json") {
    content = JSON.stringify(last.result, null, 2) + "\n";
    type = "application/json";
  } else {
    try {
      content = await api(last.path, { json: last.request, accept: "text/markdown" });
    } catch (err) {
      setStatus(`${err.code || "error"}: ${err.message}`, true);
      return;
    }
    type = "text/markdown";
  }
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = el("a", { href: url, download: `${stem}.${kind}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function setMode(mode, focus = false) {
  if (mode !== state.mode) saveInputs(state.mode);
  state.mode = mode;
  const spec = MODES[mode];
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const on = tab.dataset.mode === mode;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    if (on) {
      $("form").setAttribute("aria-labelledby", tab.id);
      if (focus) tab.focus();
    }
  }
  $("mode-hint").textContent = spec.hint;
  $("text-label").textContent = spec.label;
  $("text").placeholder = spec.placeholder;
  $("run").textContent = spec.button;
  $("file").accept = spec.accept;
  $("title-field").hidden = !spec.title;
  $("second-field").hidden = !spec.second;
  $("likes-field").hidden = !spec.likes;
  $("example").hidden = !EXAMPLES[mode === "match" ? "cv" : mode];
  restoreInputs(mode);
  const saved = state.results[mode];
  state.last = saved ? saved.last : null;
  if (saved) show(saved.nodes);
  else showEmpty();
  setStatus("");
}

function clearTab() {
  const mode = state.mode;
  $("text").value = "";
  $("title").value = "";
  $("text2").value = "";
  $("likes").value = "";
  if (SLOT[mode] === "cv") state.cvFile = null;
  if (mode === "match") state.inputs.against = "";
  saveInputs(mode);
  $("filename").textContent = "";
  $("file").value = "";
  $("text").placeholder = MODES[mode].placeholder;
  delete state.results[mode];
  state.last = null;
  showEmpty();
  setStatus("");
  $("text").focus();
}

async function onFile() {
  const file = $("file").files[0];
  if (!file) return;
  $("filename").textContent = file.name;
  const binary = /\.(pdf|docx)$/i.test(file.name);
  if ((state.mode === "cv" || state.mode === "match") && binary) {
    state.cvFile = file;
    $("text").value = "";
    $("text").placeholder = `${file.name} will be sent as it is.`;
    return;
  }
  if (SLOT[state.mode] === "cv") state.cvFile = null;
  let text = await file.text();
  text = /\.html?$/i.test(file.name) ? htmlToText(text) : readableText(text);
  $("text").value = text;
}

function init() {
  $("form").addEventListener("submit", run);
  $("text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(e);
  });
  $("file").addEventListener("change", onFile);
  $("example").addEventListener("click", () => {
    $("text").value = EXAMPLES[state.mode === "match" ? "cv" : state.mode] || "";
    if (state.mode === "match") $("text2").value = EXAMPLES.posting;
    if (SLOT[state.mode] === "cv") {
      state.cvFile = null;
      $("filename").textContent = "";
    }
    $("text").focus();
  });
  $("clear").addEventListener("click", clearTab);
  $("token").addEventListener("change", () => {
    state.token = $("token").value.trim();
    sessionStorage.setItem("rolelens-token", state.token);
    loadRoles();
  });
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener("click", () => setMode(tab.dataset.mode));
    tab.addEventListener("keydown", (e) => {
      const visible = tabs.filter((t) => !t.hidden);
      const i = visible.indexOf(tab);
      let next = null;
      if (e.key === "ArrowRight") next = visible[(i + 1) % visible.length];
      else if (e.key === "ArrowLeft") next = visible[(i - 1 + visible.length) % visible.length];
      else if (e.key === "Home") next = visible[0];
      else if (e.key === "End") next = visible[visible.length - 1];
      if (next) {
        e.preventDefault();
        setMode(next.dataset.mode, true);
      }
    });
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") hideTip(document.querySelector("mark.ev.active"));
  });
  window.addEventListener("resize", () => hideTip(document.querySelector("mark.ev.active")));
  setMode("posting");
  loadHealth();
  loadRoles();
}

init();

// the page's copies of rolelens.io.text, for the browser test that holds them to the server's
export { htmlToText, looksLikeEscapedHtml, pageTitle, readableText };
