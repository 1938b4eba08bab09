/* math.c: TeX math laid out with an OpenType MATH font, as GitHub renders $...$ (MathJax)
 * and as TeX does (The TeXbook, appendix G), its parameters read from the font's MATH table
 * (shape.c asks HarfBuzz for them), the way LuaTeX and XeTeX do.
 *
 * Two passes. The parser reads the TeX into a tree of atoms in an arena (indices, not
 * pointers): symbols with their TeX class (ord, op, bin, rel, open, close, punct), fractions,
 * radicals, scripts, big operators, \left...\right, accents, text and spaces. Braces nest at
 * most MAX_DEPTH deep, so the C stack is bounded whatever the input; an unknown command is a
 * warning and is set as written. The layout then sets each atom into the box's glyph list,
 * children first: a box is a range of that list (and of the rules), moved as a whole when
 * its parent places it, so nothing is copied.
 *
 * Letters are set in the Unicode math alphabets (𝑃 for P, 𝛼 for \alpha), the way a math font
 * is meant to be used, but each glyph extracts as the letter written (P, α); the formula as a
 * whole also carries its linear form (P_comp ∩ P_comm) for extractors that read /ActualText.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "math.h"

#define MAX_DEPTH 32
#define MAX_TEX 4000

enum cls { C_ORD, C_OP, C_BIN, C_REL, C_OPEN, C_CLOSE, C_PUNCT, C_INNER };
enum kind { N_LIST, N_SYM, N_TEXT, N_FRAC, N_SQRT, N_SCRIPTS, N_DELIMS, N_ACCENT, N_SPACE, N_OVERLINE };
enum font { F_IT, F_RM, F_BF, F_BB, F_CAL, F_TEXT };

typedef struct node {
    uint8_t kind, cls, font;
    bool limits;      /* N_SYM (an operator): limits above and below in display style */
    bool nolimits;    /* \nolimits after it */
    bool rule;        /* N_FRAC: with a bar (\binom has none) */
    uint32_t cp;      /* N_SYM, N_ACCENT: the character; N_DELIMS: the left one */
    uint32_t cp2;     /* N_DELIMS: the right one (0: none, "."); N_FRAC: \binom's ( ) */
    int a, b, c;      /* children: LIST first; FRAC num, den; SQRT body, degree; SCRIPTS base,
                       * sub, sup; DELIMS body; ACCENT body; OVERLINE body (-1: none) */
    int next;         /* the next atom of its list */
    int mu;           /* N_SPACE: its width in mu (18 to the em) */
    uint32_t toff, tlen; /* N_TEXT and named functions: the source bytes they set */
    int size;         /* N_DELIMS from \big...: a fixed size in tenths of an em, else 0 */
} node;

typedef struct parser {
    cv_ctx *ctx;
    const char *s;
    size_t len, i;
    int line, col;
    CV_VEC(node) nodes;
    bool oom;
    int warned;
} parser;

/* ---- symbols ------------------------------------------------------------------------------ */

typedef struct sym {
    const char *name;
    uint32_t cp;
    uint8_t cls;
    bool limits;
} sym;

static const sym symbols[] = {
    /* Greek */
    {"alpha", 0x3B1, C_ORD, 0}, {"beta", 0x3B2, C_ORD, 0}, {"gamma", 0x3B3, C_ORD, 0}, {"delta", 0x3B4, C_ORD, 0},
    {"epsilon", 0x3F5, C_ORD, 0}, {"varepsilon", 0x3B5, C_ORD, 0}, {"zeta", 0x3B6, C_ORD, 0}, {"eta", 0x3B7, C_ORD, 0},
    {"theta", 0x3B8, C_ORD, 0}, {"vartheta", 0x3D1, C_ORD, 0}, {"iota", 0x3B9, C_ORD, 0}, {"kappa", 0x3BA, C_ORD, 0},
    {"lambda", 0x3BB, C_ORD, 0}, {"mu", 0x3BC, C_ORD, 0}, {"nu", 0x3BD, C_ORD, 0}, {"xi", 0x3BE, C_ORD, 0},
    {"omicron", 0x3BF, C_ORD, 0}, {"pi", 0x3C0, C_ORD, 0}, {"varpi", 0x3D6, C_ORD, 0}, {"rho", 0x3C1, C_ORD, 0},
    {"varrho", 0x3F1, C_ORD, 0}, {"sigma", 0x3C3, C_ORD, 0}, {"varsigma", 0x3C2, C_ORD, 0}, {"tau", 0x3C4, C_ORD, 0},
    {"upsilon", 0x3C5, C_ORD, 0}, {"phi", 0x3D5, C_ORD, 0}, {"varphi", 0x3C6, C_ORD, 0}, {"chi", 0x3C7, C_ORD, 0},
    {"psi", 0x3C8, C_ORD, 0}, {"omega", 0x3C9, C_ORD, 0}, {"Gamma", 0x393, C_ORD, 0}, {"Delta", 0x394, C_ORD, 0},
    {"Theta", 0x398, C_ORD, 0}, {"Lambda", 0x39B, C_ORD, 0}, {"Xi", 0x39E, C_ORD, 0}, {"Pi", 0x3A0, C_ORD, 0},
    {"Sigma", 0x3A3, C_ORD, 0}, {"Upsilon", 0x3A5, C_ORD, 0}, {"Phi", 0x3A6, C_ORD, 0}, {"Psi", 0x3A8, C_ORD, 0},
    {"Omega", 0x3A9, C_ORD, 0},
    /* binary operators */
    {"pm", 0xB1, C_BIN, 0}, {"mp", 0x2213, C_BIN, 0}, {"times", 0xD7, C_BIN, 0}, {"div", 0xF7, C_BIN, 0},
    {"cdot", 0x22C5, C_BIN, 0}, {"ast", 0x2217, C_BIN, 0}, {"star", 0x22C6, C_BIN, 0}, {"circ", 0x2218, C_BIN, 0},
    {"bullet", 0x2219, C_BIN, 0}, {"cap", 0x2229, C_BIN, 0}, {"cup", 0x222A, C_BIN, 0}, {"wedge", 0x2227, C_BIN, 0},
    {"land", 0x2227, C_BIN, 0}, {"vee", 0x2228, C_BIN, 0}, {"lor", 0x2228, C_BIN, 0}, {"setminus", 0x2216, C_BIN, 0},
    {"oplus", 0x2295, C_BIN, 0}, {"ominus", 0x2296, C_BIN, 0}, {"otimes", 0x2297, C_BIN, 0}, {"odot", 0x2299, C_BIN, 0},
    {"uplus", 0x228E, C_BIN, 0}, {"sqcap", 0x2293, C_BIN, 0}, {"sqcup", 0x2294, C_BIN, 0},
    /* relations and arrows */
    {"leq", 0x2264, C_REL, 0}, {"le", 0x2264, C_REL, 0}, {"geq", 0x2265, C_REL, 0}, {"ge", 0x2265, C_REL, 0},
    {"neq", 0x2260, C_REL, 0}, {"ne", 0x2260, C_REL, 0}, {"equiv", 0x2261, C_REL, 0}, {"approx", 0x2248, C_REL, 0},
    {"sim", 0x223C, C_REL, 0}, {"simeq", 0x2243, C_REL, 0}, {"cong", 0x2245, C_REL, 0}, {"propto", 0x221D, C_REL, 0},
    {"in", 0x2208, C_REL, 0}, {"notin", 0x2209, C_REL, 0}, {"ni", 0x220B, C_REL, 0}, {"subset", 0x2282, C_REL, 0},
    {"supset", 0x2283, C_REL, 0}, {"subseteq", 0x2286, C_REL, 0}, {"supseteq", 0x2287, C_REL, 0},
    {"ll", 0x226A, C_REL, 0}, {"gg", 0x226B, C_REL, 0}, {"to", 0x2192, C_REL, 0}, {"rightarrow", 0x2192, C_REL, 0},
    {"leftarrow", 0x2190, C_REL, 0}, {"gets", 0x2190, C_REL, 0}, {"Rightarrow", 0x21D2, C_REL, 0},
    {"Leftarrow", 0x21D0, C_REL, 0}, {"leftrightarrow", 0x2194, C_REL, 0}, {"Leftrightarrow", 0x21D4, C_REL, 0},
    {"iff", 0x27FA, C_REL, 0}, {"implies", 0x27F9, C_REL, 0}, {"mapsto", 0x21A6, C_REL, 0},
    {"longrightarrow", 0x27F6, C_REL, 0}, {"uparrow", 0x2191, C_REL, 0}, {"downarrow", 0x2193, C_REL, 0},
    {"perp", 0x22A5, C_REL, 0}, {"mid", 0x2223, C_REL, 0}, {"parallel", 0x2225, C_REL, 0}, {"models", 0x22A8, C_REL, 0},
    {"vdash", 0x22A2, C_REL, 0}, {"prec", 0x227A, C_REL, 0}, {"succ", 0x227B, C_REL, 0},
    /* ordinary symbols */
    {"infty", 0x221E, C_ORD, 0}, {"partial", 0x2202, C_ORD, 0}, {"nabla", 0x2207, C_ORD, 0}, {"forall", 0x2200, C_ORD, 0},
    {"exists", 0x2203, C_ORD, 0}, {"neg", 0xAC, C_ORD, 0}, {"lnot", 0xAC, C_ORD, 0}, {"emptyset", 0x2205, C_ORD, 0},
    {"varnothing", 0x2205, C_ORD, 0}, {"ell", 0x2113, C_ORD, 0}, {"hbar", 0x210F, C_ORD, 0}, {"Re", 0x211C, C_ORD, 0},
    {"Im", 0x2111, C_ORD, 0}, {"aleph", 0x2135, C_ORD, 0}, {"angle", 0x2220, C_ORD, 0}, {"prime", 0x2032, C_ORD, 0},
    {"ldots", 0x2026, C_INNER, 0}, {"dots", 0x2026, C_INNER, 0}, {"cdots", 0x22EF, C_INNER, 0},
    {"vdots", 0x22EE, C_ORD, 0}, {"ddots", 0x22F1, C_INNER, 0}, {"top", 0x22A4, C_ORD, 0}, {"bot", 0x22A5, C_ORD, 0},
    {"triangle", 0x25B3, C_ORD, 0}, {"dagger", 0x2020, C_BIN, 0}, {"checkmark", 0x2713, C_ORD, 0},
    {"%", '%', C_ORD, 0}, {"$", '$', C_ORD, 0}, {"&", '&', C_ORD, 0}, {"#", '#', C_ORD, 0}, {"_", '_', C_ORD, 0},
    {"{", '{', C_OPEN, 0}, {"}", '}', C_CLOSE, 0}, {"|", 0x2016, C_ORD, 0}, {"backslash", '\\', C_ORD, 0},
    /* delimiters */
    {"langle", 0x27E8, C_OPEN, 0}, {"rangle", 0x27E9, C_CLOSE, 0}, {"lceil", 0x2308, C_OPEN, 0},
    {"rceil", 0x2309, C_CLOSE, 0}, {"lfloor", 0x230A, C_OPEN, 0}, {"rfloor", 0x230B, C_CLOSE, 0},
    {"lbrace", '{', C_OPEN, 0}, {"rbrace", '}', C_CLOSE, 0}, {"vert", '|', C_ORD, 0}, {"Vert", 0x2016, C_ORD, 0},
    {"lvert", '|', C_OPEN, 0}, {"rvert", '|', C_CLOSE, 0}, {"lVert", 0x2016, C_OPEN, 0}, {"rVert", 0x2016, C_CLOSE, 0},
    /* big operators */
    {"sum", 0x2211, C_OP, 1}, {"prod", 0x220F, C_OP, 1}, {"coprod", 0x2210, C_OP, 1}, {"bigcup", 0x22C3, C_OP, 1},
    {"bigcap", 0x22C2, C_OP, 1}, {"bigvee", 0x22C1, C_OP, 1}, {"bigwedge", 0x22C0, C_OP, 1},
    {"bigoplus", 0x2A01, C_OP, 1}, {"bigotimes", 0x2A02, C_OP, 1}, {"int", 0x222B, C_OP, 0}, {"iint", 0x222C, C_OP, 0},
    {"iiint", 0x222D, C_OP, 0}, {"oint", 0x222E, C_OP, 0},
};

/* Named functions, set upright: lim, max, min, sup, inf take limits in display style. */
static const char *const functions[] = {"sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh", "arcsin",
                                        "arccos", "arctan", "log", "ln", "lg", "exp", "det", "dim", "ker", "deg",
                                        "arg", "gcd", "Pr", "hom", "lim", "liminf", "limsup", "max", "min", "sup",
                                        "inf", "argmax", "argmin"};

static bool function_limits(const char *n, size_t k)
{
    static const char *const with[] = {"lim", "liminf", "limsup", "max", "min", "sup", "inf", "argmax", "argmin", "det", "gcd", "Pr"};
    for (size_t i = 0; i < sizeof with / sizeof *with; i++)
        if (strlen(with[i]) == k && !memcmp(with[i], n, k))
            return true;
    return false;
}

/* Accents: the combining mark a math font places over its base. */
static uint32_t accent_of(const char *n, size_t k)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } acc[] = {{"hat", 0x302}, {"widehat", 0x302}, {"bar", 0x304}, {"tilde", 0x303}, {"widetilde", 0x303},
               {"vec", 0x20D7}, {"dot", 0x307}, {"ddot", 0x308}, {"check", 0x30C}, {"breve", 0x306},
               {"acute", 0x301}, {"grave", 0x300}, {"mathring", 0x30A}};
    for (size_t i = 0; i < sizeof acc / sizeof *acc; i++)
        if (strlen(acc[i].name) == k && !memcmp(acc[i].name, n, k))
            return acc[i].cp;
    return 0;
}

/* The class of a character typed as itself. */
static uint8_t char_class(uint32_t c)
{
    switch (c) {
    case '+': case '-': case '*': return C_BIN;
    case '=': case '<': case '>': case ':': return C_REL;
    case ',': case ';': return C_PUNCT;
    case '(': case '[': return C_OPEN;
    case ')': case ']': case '!': case '?': return C_CLOSE;
    default: return C_ORD;
    }
}

/* ---- the parser --------------------------------------------------------------------------- */

static int new_node(parser *p, int kind)
{
    node n;
    memset(&n, 0, sizeof n);
    n.kind = (uint8_t)kind;
    n.a = n.b = n.c = n.next = -1;
    if (CV_PUSH(p->nodes, n)) {
        p->oom = true;
        return -1;
    }
    return (int)p->nodes.n - 1;
}

/* A command not known, at what (inside the TeX, which starts at line:col of the file). */
static void unknown(parser *p, const char *what, size_t k)
{
    if (p->warned++ >= 5)
        return;
    int line = p->line, col = p->col;
    for (const char *c = p->s; c < what - 1; c++) {
        if (*c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    cv_diag(p->ctx, CVPDF_WARNING, CVPDF_D_MATH_UNKNOWN, line, col,
            "math: '\\%.*s' is not a command cvpdf knows; it is set as written", (int)(k > 40 ? 40 : k), what);
}

static void skip_space(parser *p)
{
    while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

static int parse_list(parser *p, int depth, char until, int font);
static int parse_atom(parser *p, int depth, int font);

/* A command's argument: a group, or one token. */
static int parse_arg(parser *p, int depth, int font)
{
    skip_space(p);
    if (p->i < p->len && p->s[p->i] == '{') {
        p->i++;
        return parse_list(p, depth + 1, '}', font);
    }
    return parse_atom(p, depth + 1, font);
}

/* A symbol node of character cp in class cls. */
static int sym_node(parser *p, uint32_t cp, int cls, int font)
{
    int n = new_node(p, N_SYM);
    if (n >= 0) {
        p->nodes.v[n].cp = cp;
        p->nodes.v[n].cls = (uint8_t)cls;
        p->nodes.v[n].font = (uint8_t)font;
    }
    return n;
}

/* Source bytes set as upright text: a named function, \text{...}, an unknown command. */
static int text_node(parser *p, size_t off, size_t n, int cls, int font)
{
    int k = new_node(p, N_TEXT);
    if (k >= 0) {
        p->nodes.v[k].toff = (uint32_t)off;
        p->nodes.v[k].tlen = (uint32_t)n;
        p->nodes.v[k].cls = (uint8_t)cls;
        p->nodes.v[k].font = (uint8_t)font;
    }
    return k;
}

/* A delimiter after \left, \right, \big...: a character or a command naming one. */
static uint32_t parse_delim(parser *p)
{
    skip_space(p);
    if (p->i >= p->len)
        return 0;
    char c = p->s[p->i];
    if (c != '\\') {
        size_t q = p->i;
        uint32_t cp = cv_utf8_next(p->s, p->len, &q);
        p->i = q;
        return cp == '.' ? 0 : cp;
    }
    size_t k = p->i + 1, e = k;
    while (e < p->len && ((p->s[e] >= 'a' && p->s[e] <= 'z') || (p->s[e] >= 'A' && p->s[e] <= 'Z')))
        e++;
    if (e == k && e < p->len)
        e++; /* \{ \| */
    p->i = e;
    for (size_t s = 0; s < sizeof symbols / sizeof *symbols; s++)
        if (strlen(symbols[s].name) == e - k && !memcmp(symbols[s].name, p->s + k, e - k))
            return symbols[s].cp;
    return 0;
}

/* A command after its backslash. */
static int parse_command(parser *p, int depth, int font)
{
    size_t k = p->i, e = k;
    while (e < p->len && ((p->s[e] >= 'a' && p->s[e] <= 'z') || (p->s[e] >= 'A' && p->s[e] <= 'Z')))
        e++;
    if (e == k && e < p->len) { /* a one-character command: \, \{ \% */
        size_t q = e;
        cv_utf8_next(p->s, p->len, &q);
        e = q;
    }
    p->i = e;
    const char *n = p->s + k;
    size_t nl = e - k;
#define IS(w) (nl == sizeof(w) - 1 && !memcmp(n, w, nl))
    /* spaces */
    int mu = IS(",") ? 3 : IS(":") || IS(">") ? 4 : IS(";") ? 5 : IS("!") ? -3 : IS("quad") ? 18 : IS("qquad") ? 36
             : IS(" ") || IS("space") ? 6 : 0;
    if (mu) {
        int sp = new_node(p, N_SPACE);
        if (sp >= 0)
            p->nodes.v[sp].mu = mu;
        return sp;
    }
    if (IS("frac") || IS("dfrac") || IS("tfrac") || IS("binom")) {
        int f = new_node(p, N_FRAC);
        int num = parse_arg(p, depth, font), den = parse_arg(p, depth, font);
        if (f >= 0) {
            p->nodes.v[f].a = num;
            p->nodes.v[f].b = den;
            p->nodes.v[f].rule = !IS("binom");
            p->nodes.v[f].cp2 = IS("binom");
            p->nodes.v[f].size = IS("dfrac") ? 1 : IS("tfrac") ? 2 : 0; /* (style forced) */
        }
        return f;
    }
    if (IS("sqrt")) {
        int r = new_node(p, N_SQRT), deg = -1;
        skip_space(p);
        if (p->i < p->len && p->s[p->i] == '[') {
            p->i++;
            deg = parse_list(p, depth + 1, ']', font);
        }
        int body = parse_arg(p, depth, font);
        if (r >= 0) {
            p->nodes.v[r].a = body;
            p->nodes.v[r].b = deg;
        }
        return r;
    }
    if (IS("left")) {
        int d = new_node(p, N_DELIMS);
        uint32_t l = parse_delim(p);
        int body = parse_list(p, depth + 1, 'R', font); /* to \right */
        uint32_t r = parse_delim(p);
        if (d >= 0) {
            p->nodes.v[d].cp = l;
            p->nodes.v[d].cp2 = r;
            p->nodes.v[d].a = body;
            p->nodes.v[d].cls = C_INNER;
        }
        return d;
    }
    if (IS("big") || IS("Big") || IS("bigg") || IS("Bigg") || IS("bigl") || IS("bigr") || IS("Bigl") || IS("Bigr") ||
        IS("biggl") || IS("biggr") || IS("Biggl") || IS("Biggr")) {
        int size = n[0] == 'B' ? (nl >= 4 && n[3] == 'g' ? 30 : 18) : (nl >= 4 && n[3] == 'g' ? 24 : 12);
        uint32_t c = parse_delim(p);
        int d = new_node(p, N_DELIMS);
        if (d >= 0) {
            p->nodes.v[d].cp = c;
            p->nodes.v[d].size = size;
            p->nodes.v[d].cls = n[nl - 1] == 'l' ? C_OPEN : n[nl - 1] == 'r' ? C_CLOSE : C_ORD;
        }
        return d;
    }
    if (IS("text") || IS("textrm") || IS("textbf") || IS("textit") || IS("mbox") || IS("operatorname")) {
        skip_space(p);
        if (p->i >= p->len || p->s[p->i] != '{')
            return -1;
        size_t s0 = ++p->i;
        int nest = 0;
        while (p->i < p->len && (p->s[p->i] != '}' || nest)) {
            nest += p->s[p->i] == '{' ? 1 : p->s[p->i] == '}' ? -1 : 0;
            p->i++;
        }
        int t = text_node(p, s0, p->i - s0, IS("operatorname") ? C_OP : C_ORD,
                          IS("textbf") ? F_BF : IS("textit") ? F_IT : F_TEXT);
        if (p->i < p->len)
            p->i++;
        return t;
    }
    int nf = IS("mathrm") ? F_RM : IS("mathbf") || IS("boldsymbol") || IS("bm") ? F_BF : IS("mathit") ? F_IT
             : IS("mathbb") ? F_BB : IS("mathcal") || IS("mathscr") ? F_CAL : IS("mathsf") || IS("mathtt") ? F_RM : -1;
    if (nf >= 0)
        return parse_arg(p, depth, nf);
    uint32_t acc = accent_of(n, nl);
    if (acc) {
        int a = new_node(p, N_ACCENT);
        int body = parse_arg(p, depth, font);
        if (a >= 0) {
            p->nodes.v[a].cp = acc;
            p->nodes.v[a].a = body;
            p->nodes.v[a].size = nl > 4 && !memcmp(n, "wide", 4); /* a wide accent */
        }
        return a;
    }
    if (IS("overline")) {
        int o = new_node(p, N_OVERLINE);
        int body = parse_arg(p, depth, font);
        if (o >= 0)
            p->nodes.v[o].a = body;
        return o;
    }
    if (IS("limits") || IS("nolimits") || IS("displaystyle") || IS("textstyle") || IS("mathstrut") || IS("right"))
        return -2; /* handled by the caller (or nothing to set) */
    for (size_t s = 0; s < sizeof symbols / sizeof *symbols; s++)
        if (strlen(symbols[s].name) == nl && !memcmp(symbols[s].name, n, nl)) {
            int m = sym_node(p, symbols[s].cp, symbols[s].cls, font);
            if (m >= 0)
                p->nodes.v[m].limits = symbols[s].limits;
            return m;
        }
    for (size_t f = 0; f < sizeof functions / sizeof *functions; f++)
        if (strlen(functions[f]) == nl && !memcmp(functions[f], n, nl)) {
            int t = text_node(p, k, nl, C_OP, F_RM);
            if (t >= 0)
                p->nodes.v[t].limits = function_limits(n, nl);
            return t;
        }
#undef IS
    unknown(p, n, nl);
    return text_node(p, k - 1, nl + 1, C_ORD, F_RM); /* as written, backslash and all */
}

/* One atom: a group, a command, a character. -1 at the end, -2 for nothing to set. */
static int parse_atom(parser *p, int depth, int font)
{
    skip_space(p);
    if (p->i >= p->len)
        return -1;
    char c = p->s[p->i];
    if (depth > MAX_DEPTH) {
        /* deeper than anyone writes: the rest is text */
        int t = text_node(p, p->i, p->len - p->i, C_ORD, F_RM);
        p->i = p->len;
        return t;
    }
    if (c == '{') {
        p->i++;
        return parse_list(p, depth + 1, '}', font);
    }
    if (c == '\\') {
        p->i++;
        return parse_command(p, depth, font);
    }
    size_t q = p->i;
    uint32_t cp = cv_utf8_next(p->s, p->len, &q);
    p->i = q;
    if (c == '\'')
        return sym_node(p, 0x2032, C_ORD, F_RM); /* a prime: set as a superscript by the caller */
    if (c == '-')
        cp = 0x2212;
    if (c == '~') { /* a no-break space */
        int sp = new_node(p, N_SPACE);
        if (sp >= 0)
            p->nodes.v[sp].mu = 6;
        return sp;
    }
    return sym_node(p, cp, char_class(cp), font);
}

/* Atoms until `until` ('}', ']', 'R' for \right, 0 for the end), with their scripts. */
static int parse_list(parser *p, int depth, char until, int font)
{
    int list = new_node(p, N_LIST), last = -1, prev_atom = -1;
    while (!p->oom) {
        skip_space(p);
        if (p->i >= p->len)
            break;
        char c = p->s[p->i];
        if (until && c == until && until != 'R') {
            p->i++;
            break;
        }
        if (until == 'R' && c == '\\' && p->i + 6 <= p->len && !memcmp(p->s + p->i, "\\right", 6) &&
            !(p->i + 6 < p->len && ((p->s[p->i + 6] >= 'a' && p->s[p->i + 6] <= 'z')))) {
            p->i += 6;
            break;
        }
        if (c == '}' && until != '}') { /* a stray closing brace: text */
            p->i++;
            continue;
        }
        if (c == '^' || c == '_' || c == '\'') {
            /* a script of the atom before (or of nothing) */
            int base = prev_atom;
            int sc;
            if (base >= 0 && p->nodes.v[base].kind == N_SCRIPTS) {
                sc = base;
            } else {
                sc = new_node(p, N_SCRIPTS);
                if (sc < 0)
                    break;
                p->nodes.v[sc].a = base;
                /* the scripts node takes the base's place in the list */
                if (base >= 0) {
                    p->nodes.v[sc].next = -1;
                    if (last == base) {
                        int k = p->nodes.v[list].a;
                        if (k == base)
                            p->nodes.v[list].a = sc;
                        else {
                            while (k >= 0 && p->nodes.v[k].next != base)
                                k = p->nodes.v[k].next;
                            if (k >= 0)
                                p->nodes.v[k].next = sc;
                        }
                    }
                } else {
                    if (last >= 0)
                        p->nodes.v[last].next = sc;
                    else
                        p->nodes.v[list].a = sc;
                }
                last = sc;
                prev_atom = sc;
            }
            p->i++;
            int arg;
            if (c == '\'') {
                arg = sym_node(p, 0x2032, C_ORD, F_RM);
                c = '^';
            } else {
                arg = parse_arg(p, depth, font);
            }
            if (arg < 0)
                continue;
            if (c == '^')
                p->nodes.v[sc].c = p->nodes.v[sc].c < 0 ? arg : p->nodes.v[sc].c;
            else
                p->nodes.v[sc].b = p->nodes.v[sc].b < 0 ? arg : p->nodes.v[sc].b;
            continue;
        }
        if (c == '\\' && p->i + 7 <= p->len && !memcmp(p->s + p->i, "\\limits", 7)) {
            p->i += 7;
            if (prev_atom >= 0)
                p->nodes.v[prev_atom].limits = true;
            continue;
        }
        if (c == '\\' && p->i + 9 <= p->len && !memcmp(p->s + p->i, "\\nolimits", 9)) {
            p->i += 9;
            if (prev_atom >= 0)
                p->nodes.v[prev_atom].nolimits = true;
            continue;
        }
        int a = parse_atom(p, depth, font);
        if (a == -2)
            continue;
        if (a < 0)
            break;
        if (last >= 0)
            p->nodes.v[last].next = a;
        else if (list >= 0)
            p->nodes.v[list].a = a;
        last = a;
        prev_atom = a;
    }
    return list;
}

/* ---- layout ------------------------------------------------------------------------------- */

typedef struct box {
    size_t g0, g1, r0, r1; /* its glyphs and rules in the output */
    cvu w, h, d, italic;
    uint32_t gid;          /* a box of one glyph: that glyph (for accents and limits), else 0 */
    int cls;
} box;

typedef struct layout {
    cv_ctx *ctx;
    const cv_face *face;
    const char *tex;
    cvu size;              /* the text size */
    int upem;
    int c[CV_MC_N];        /* the MATH constants, font units */
    cv_mathbox *out;
    const node *nodes;
    size_t lin0;           /* where the linear form starts in out->text */
} layout;

enum { S_D, S_T, S_S, S_SS };

static cvu style_size(const layout *L, int style)
{
    if (style == S_S)
        return L->size * L->c[CV_MC_SCRIPT_PERCENT] / 100;
    if (style == S_SS)
        return L->size * L->c[CV_MC_SCRIPTSCRIPT_PERCENT] / 100;
    return L->size;
}

/* A font-unit value at a size. */
static cvu fu(const layout *L, int v, cvu size) { return (cvu)((int64_t)v * size / L->upem); }
static cvu konst(const layout *L, cv_math_const c, int style) { return fu(L, L->c[c], style_size(L, style)); }

static int sub_style(int s) { return s <= S_T ? S_S : S_SS; }
static int frac_style(int s) { return s == S_D ? S_T : s == S_T ? S_S : S_SS; }

static box empty_box(const layout *L)
{
    box b;
    memset(&b, 0, sizeof b);
    b.g0 = b.g1 = L->out->glyphs.n;
    b.r0 = b.r1 = L->out->rules.n;
    return b;
}

static void move(layout *L, box *b, cvu dx, cvu dy)
{
    for (size_t k = b->g0; k < b->g1; k++) {
        L->out->glyphs.v[k].x += dx;
        L->out->glyphs.v[k].y += dy;
    }
    for (size_t k = b->r0; k < b->r1; k++) {
        L->out->rules.v[k].x0 += dx;
        L->out->rules.v[k].x1 += dx;
        L->out->rules.v[k].y0 += dy;
        L->out->rules.v[k].y1 += dy;
    }
}

/* The character set in a math alphabet. */
static uint32_t styled(uint32_t c, int font)
{
    bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z', dig = c >= '0' && c <= '9';
    switch (font) {
    case F_IT:
        if (c == 'h')
            return 0x210E;
        if (up)
            return 0x1D434 + (c - 'A');
        if (lo)
            return 0x1D44E + (c - 'a');
        if (c >= 0x3B1 && c <= 0x3C9)
            return 0x1D6FC + (c - 0x3B1);
        switch (c) {
        case 0x3F5: return 0x1D716;
        case 0x3D1: return 0x1D717;
        case 0x3D5: return 0x1D719;
        case 0x3F1: return 0x1D71A;
        case 0x3D6: return 0x1D71B;
        default: return c;
        }
    case F_BF:
        if (up)
            return 0x1D400 + (c - 'A');
        if (lo)
            return 0x1D41A + (c - 'a');
        if (dig)
            return 0x1D7CE + (c - '0');
        return c;
    case F_BB: {
        static const uint32_t holes[26] = {['C' - 'A'] = 0x2102, ['H' - 'A'] = 0x210D, ['N' - 'A'] = 0x2115,
                                           ['P' - 'A'] = 0x2119, ['Q' - 'A'] = 0x211A, ['R' - 'A'] = 0x211D,
                                           ['Z' - 'A'] = 0x2124};
        if (up)
            return holes[c - 'A'] ? holes[c - 'A'] : 0x1D538 + (c - 'A');
        if (lo)
            return 0x1D552 + (c - 'a');
        if (dig)
            return 0x1D7D8 + (c - '0');
        return c;
    }
    case F_CAL: {
        static const uint32_t holes[26] = {['B' - 'A'] = 0x212C, ['E' - 'A'] = 0x2130, ['F' - 'A'] = 0x2131,
                                           ['H' - 'A'] = 0x210B, ['I' - 'A'] = 0x2110, ['L' - 'A'] = 0x2112,
                                           ['M' - 'A'] = 0x2133, ['R' - 'A'] = 0x211B};
        if (up)
            return holes[c - 'A'] ? holes[c - 'A'] : 0x1D49C + (c - 'A');
        return c;
    }
    default:
        return c;
    }
}

/* A glyph of the face at size, at the pen, with its extraction text (UTF-8 of cp). */
static box glyph_box(layout *L, uint32_t gid, uint32_t text_cp, cvu size, int cls)
{
    box b = empty_box(L);
    cv_mathbox *o = L->out;
    char u[4];
    int n = text_cp ? cv_utf8_put(text_cp, u) : 0;
    cv_mglyph g = {gid, 0, 0, size, (uint32_t)o->text.len, (uint32_t)n};
    cv_buf_add(&o->text, u, (size_t)n);
    if (CV_PUSH(o->glyphs, g)) {
        L->ctx->oom = true;
        return b;
    }
    b.g1 = o->glyphs.n;
    b.w = fu(L, cv_face_advance(L->face, gid), size);
    int x0, y0, x1, y1;
    if (cv_face_box(L->face, gid, &x0, &y0, &x1, &y1)) {
        b.h = fu(L, y1, size);
        b.d = -fu(L, y0, size);
    }
    int it = cv_math_italic(L->face, gid);
    b.italic = fu(L, it, size);
    b.gid = gid;
    b.cls = cls;
    return b;
}

static box char_box(layout *L, uint32_t cp, int font, cvu size, int cls)
{
    uint32_t shown = styled(cp, font);
    uint32_t gid = cv_face_glyph(L->face, shown);
    if (!gid && shown != cp)
        gid = cv_face_glyph(L->face, cp);
    return glyph_box(L, gid, cp, size, cls);
}

static box lay(layout *L, int n, int style, bool cramped, int depth);

/* Boxes side by side: b is placed at a's right. */
static void append(layout *L, box *a, box *b, cvu gap)
{
    move(L, b, a->w + gap, 0);
    a->w += gap + b->w;
    if (b->h > a->h)
        a->h = b->h;
    if (b->d > a->d)
        a->d = b->d;
    a->g1 = b->g1;
    a->r1 = b->r1;
    a->italic = b->italic;
    a->gid = 0;
}

/* TeX's spacing between atoms (The TeXbook, chapter 18), in mu; negative: not in scripts. */
static int spacing(int l, int r, int style)
{
    static const int t[8][8] = {
        /*          ord op bin rel open close punct inner */
        /* ord */ {0, 3, -4, -5, 0, 0, 0, -3},
        /* op  */ {3, 3, 0, -5, 0, 0, 0, -3},
        /* bin */ {-4, -4, 0, 0, -4, 0, 0, -4},
        /* rel */ {-5, -5, 0, 0, -5, 0, 0, -5},
        /* open*/ {0, 0, 0, 0, 0, 0, 0, 0},
        /* close*/{0, 3, -4, -5, 0, 0, 0, -3},
        /* punct*/{-3, -3, 0, -3, -3, -3, -3, -3},
        /* inner*/{-3, 3, -4, -5, -3, 0, -3, -3},
    };
    int v = t[l][r];
    if (v < 0)
        return style <= S_T ? -v : 0;
    return v;
}

static box lay_text(layout *L, const node *nd, cvu size)
{
    box b = empty_box(L);
    const char *s = L->tex + nd->toff;
    bool first = true;
    for (size_t i = 0; i < nd->tlen;) {
        uint32_t cp = cv_utf8_next(s, nd->tlen, &i);
        box g = char_box(L, cp == '\t' || cp == '\n' ? ' ' : cp, nd->font == F_TEXT ? F_RM : nd->font, size, C_ORD);
        if (first) {
            b = g;
            first = false;
        } else {
            append(L, &b, &g, 0);
        }
    }
    b.cls = nd->cls;
    b.italic = 0;
    b.gid = 0;
    return b;
}

static box lay_list(layout *L, const node *nd, int style, bool cramped, int depth)
{
    box b = empty_box(L);
    int prev_cls = -1;
    bool first = true;
    cvu mu = style_size(L, style) / 18;
    for (int k = nd->a; k >= 0 && !L->ctx->oom; k = L->nodes[k].next) {
        const node *c = &L->nodes[k];
        if (c->kind == N_SPACE) {
            b.w += c->mu * mu; /* (before the first atom too: it moves over) */
            continue;
        }
        box x = lay(L, k, style, cramped, depth + 1);
        int cls = x.cls;
        /* a binary operator with nothing to combine is ordinary (The TeXbook, rule 5) */
        if (cls == C_BIN && (prev_cls < 0 || prev_cls == C_BIN || prev_cls == C_OP || prev_cls == C_REL ||
                             prev_cls == C_OPEN || prev_cls == C_PUNCT))
            cls = C_ORD;
        int nx = c->next;
        while (nx >= 0 && L->nodes[nx].kind == N_SPACE)
            nx = L->nodes[nx].next;
        if (cls == C_BIN) {
            if (nx < 0)
                cls = C_ORD;
            else {
                int nc = L->nodes[nx].kind == N_SYM || L->nodes[nx].kind == N_TEXT ? L->nodes[nx].cls : C_ORD;
                if (nc == C_REL || nc == C_CLOSE || nc == C_PUNCT)
                    cls = C_ORD;
            }
        }
        cvu gap = prev_cls >= 0 ? spacing(prev_cls, cls, style) * mu : 0;
        if (first) {
            move(L, &x, b.w, 0);
            x.w += b.w;
            b = x;
            first = false;
        } else {
            append(L, &b, &x, gap);
        }
        prev_cls = cls;
        b.cls = C_ORD;
    }
    if (!first && nd->a >= 0 && L->nodes[nd->a].next < 0 && L->nodes[nd->a].kind == N_SYM)
        b.cls = L->nodes[nd->a].cls; /* a group of one symbol keeps its class */
    return b;
}

/* The glyph's smallest variant (vertical: as tall, else as wide) of at least `want`, else its
 * largest. */
static uint32_t variant(const layout *L, uint32_t gid, bool vertical, cvu want, cvu size)
{
    uint32_t g[32];
    int h[32];
    int n = cv_math_variants(L->face, gid, vertical, g, h, 32);
    uint32_t best = gid;
    for (int i = 0; i < n; i++) {
        best = g[i];
        if (fu(L, h[i], size) >= want)
            break;
    }
    return best;
}

/* A delimiter cp at least `want` tall, centred on the axis. */
static box delim_box(layout *L, uint32_t cp, cvu want, int style, int cls)
{
    cvu size = style_size(L, style);
    if (!cp) {
        box e = empty_box(L);
        e.w = size / 10; /* \nulldelimiterspace */
        e.cls = cls;
        return e;
    }
    uint32_t gid = variant(L, cv_face_glyph(L->face, cp), true, want, size);
    box b = glyph_box(L, gid, cp, size, cls);
    cvu axis = konst(L, CV_MC_AXIS_HEIGHT, style);
    cvu shift = axis - (b.h - b.d) / 2;
    move(L, &b, 0, shift);
    b.h += shift;
    b.d -= shift;
    return b;
}

static box lay_frac(layout *L, const node *nd, int style, bool cramped, int depth)
{
    int st = nd->size == 1 ? S_D : nd->size == 2 ? S_T : style;
    bool disp = st == S_D;
    int inner = frac_style(st);
    box num = nd->a >= 0 ? lay(L, nd->a, inner, cramped, depth + 1) : empty_box(L);
    box den = nd->b >= 0 ? lay(L, nd->b, inner, true, depth + 1) : empty_box(L);
    cvu axis = konst(L, CV_MC_AXIS_HEIGHT, st), t = nd->rule ? konst(L, CV_MC_FRAC_RULE, st) : 0;
    cvu u = konst(L, disp ? CV_MC_FRAC_NUM_DISPLAY_SHIFT_UP : CV_MC_FRAC_NUM_SHIFT_UP, st);
    cvu v = konst(L, disp ? CV_MC_FRAC_DEN_DISPLAY_SHIFT_DOWN : CV_MC_FRAC_DEN_SHIFT_DOWN, st);
    cvu gn = konst(L, disp ? CV_MC_FRAC_NUM_DISPLAY_GAP_MIN : CV_MC_FRAC_NUM_GAP_MIN, st);
    cvu gd = konst(L, disp ? CV_MC_FRAC_DEN_DISPLAY_GAP_MIN : CV_MC_FRAC_DEN_GAP_MIN, st);
    if (!nd->rule) { /* \binom: the numerator and denominator apart, no bar */
        gn = gd = gn * 3 / 2;
        t = 0;
    }
    if (u - num.d - (axis + t / 2) < gn)
        u = gn + num.d + axis + t / 2;
    if ((axis - t / 2) - (den.h - v) < gd)
        v = gd + den.h - axis + t / 2;
    cvu pad = style_size(L, st) / 10; /* \nulldelimiterspace each side */
    cvu w = num.w > den.w ? num.w : den.w;
    move(L, &num, pad + (w - num.w) / 2, u);
    move(L, &den, pad + (w - den.w) / 2, -v);
    box b = empty_box(L);
    b.g0 = num.g0;
    b.r0 = num.r0;
    b.g1 = den.g1;
    b.r1 = den.r1;
    if (nd->rule) {
        cv_mrule r = {pad, axis - t / 2, pad + w, axis + t / 2};
        if (CV_PUSH(L->out->rules, r))
            L->ctx->oom = true;
        b.r1 = L->out->rules.n;
    }
    b.w = w + 2 * pad;
    b.h = u + num.h;
    b.d = v + den.d;
    b.cls = C_INNER;
    if (nd->cp2) { /* \binom: in parentheses */
        cvu want = (b.h - axis > b.d + axis ? b.h - axis : b.d + axis) * 2;
        box l = delim_box(L, '(', want, st, C_OPEN);
        box inner_b = b;
        move(L, &inner_b, l.w, 0);
        l.w += inner_b.w;
        if (inner_b.h > l.h)
            l.h = inner_b.h;
        if (inner_b.d > l.d)
            l.d = inner_b.d;
        l.g1 = inner_b.g1;
        l.r1 = inner_b.r1;
        box r = delim_box(L, ')', want, st, C_CLOSE);
        append(L, &l, &r, 0);
        l.cls = C_INNER;
        return l;
    }
    return b;
}

static box lay_sqrt(layout *L, const node *nd, int style, int depth)
{
    bool disp = style == S_D;
    cvu size = style_size(L, style);
    box deg = empty_box(L);
    bool has_deg = nd->b >= 0;
    if (has_deg)
        deg = lay(L, nd->b, S_SS, true, depth + 1);
    box body = nd->a >= 0 ? lay(L, nd->a, style, true, depth + 1) : empty_box(L);
    cvu gap = konst(L, disp ? CV_MC_RADICAL_DISPLAY_GAP : CV_MC_RADICAL_GAP, style);
    cvu t = konst(L, CV_MC_RADICAL_RULE, style), extra = konst(L, CV_MC_RADICAL_EXTRA_ASCENDER, style);
    cvu want = body.h + body.d + gap + t;
    uint32_t gid = variant(L, cv_face_glyph(L->face, 0x221A), true, want, size);
    box rad = glyph_box(L, gid, 0x221A, size, C_ORD);
    /* the radical's top meets the bar: its ink top at body.h + gap + t */
    cvu shift = body.h + gap + t - rad.h;
    if (rad.h + rad.d > want) /* a taller sign: the extra goes below, and the gap grows */
        shift = body.h + gap + t - rad.h;
    move(L, &rad, 0, shift);
    rad.h += shift;
    rad.d -= shift;
    box b = rad;
    if (has_deg) {
        /* the degree over the sign's left arm, raised to 60% of its height */
        move(L, &deg, 0, (rad.h + rad.d) * 6 / 10 - rad.d);
        box d2 = deg;
        d2.w = deg.w > rad.w / 2 ? deg.w - rad.w / 2 : 0;
        move(L, &rad, d2.w, 0);
        b = d2;
        b.h = deg.h + (rad.h + rad.d) * 6 / 10 - rad.d;
        if (rad.h > b.h)
            b.h = rad.h;
        b.d = rad.d;
        b.w = d2.w + rad.w;
        b.g1 = rad.g1;
        b.r1 = rad.r1;
    }
    cvu bx = b.w;
    move(L, &body, bx, 0);
    cv_mrule r = {bx, body.h + gap, bx + body.w, body.h + gap + t};
    if (CV_PUSH(L->out->rules, r))
        L->ctx->oom = true;
    b.g1 = body.g1;
    b.r1 = L->out->rules.n;
    b.w = bx + body.w;
    if (body.h + gap + t + extra > b.h)
        b.h = body.h + gap + t + extra;
    if (body.d > b.d)
        b.d = body.d;
    b.cls = C_ORD;
    b.gid = 0;
    b.italic = 0;
    return b;
}

/* A big operator in display style: the variant tall enough, centred on the axis. */
static box op_box(layout *L, const node *nd, int style)
{
    cvu size = style_size(L, style);
    uint32_t gid = cv_face_glyph(L->face, nd->cp);
    if (style == S_D)
        gid = variant(L, gid, true, konst(L, CV_MC_DISPLAY_OP_MIN_HEIGHT, style), size);
    box b = glyph_box(L, gid, nd->cp, size, C_OP);
    cvu axis = konst(L, CV_MC_AXIS_HEIGHT, style);
    cvu shift = axis - (b.h - b.d) / 2;
    move(L, &b, 0, shift);
    b.h += shift;
    b.d -= shift;
    return b;
}

static box lay_scripts(layout *L, const node *nd, int style, bool cramped, int depth)
{
    const node *bn = nd->a >= 0 ? &L->nodes[nd->a] : NULL;
    bool op = bn && (bn->kind == N_SYM || bn->kind == N_TEXT) && bn->cls == C_OP;
    bool limits = op && !bn->nolimits && (bn->limits && style == S_D);
    box base = nd->a >= 0 ? lay(L, nd->a, style, cramped, depth + 1) : empty_box(L);
    int ss = sub_style(style);
    box sub = nd->b >= 0 ? lay(L, nd->b, ss, true, depth + 1) : empty_box(L);
    box sup = nd->c >= 0 ? lay(L, nd->c, ss, cramped, depth + 1) : empty_box(L);
    bool has_sub = nd->b >= 0, has_sup = nd->c >= 0;
    if (limits) {
        /* limits above and below, centred, the operator's italic correction shared out */
        cvu w = base.w;
        if (has_sup && sup.w > w)
            w = sup.w;
        if (has_sub && sub.w > w)
            w = sub.w;
        box b = base;
        move(L, &base, (w - base.w) / 2, 0);
        if (has_sup) {
            cvu g = konst(L, CV_MC_UPPER_LIMIT_GAP_MIN, style), rise = konst(L, CV_MC_UPPER_LIMIT_RISE_MIN, style);
            cvu y = base.h + (g > rise - sup.d ? g : rise - sup.d) + sup.d;
            move(L, &sup, (w - sup.w) / 2 + base.italic / 2, y);
            b.h = y + sup.h;
        }
        if (has_sub) {
            cvu g = konst(L, CV_MC_LOWER_LIMIT_GAP_MIN, style), drop = konst(L, CV_MC_LOWER_LIMIT_DROP_MIN, style);
            cvu y = base.d + (g > drop - sub.h ? g : drop - sub.h) + sub.h;
            move(L, &sub, (w - sub.w) / 2 - base.italic / 2, -y);
            b.d = y + sub.d;
        }
        b.w = w;
        b.g0 = base.g0;
        b.r0 = base.r0;
        b.g1 = L->out->glyphs.n;
        b.r1 = L->out->rules.n;
        b.cls = C_OP;
        b.gid = 0;
        b.italic = 0;
        return b;
    }
    /* The TeXbook's rule 18, with the font's parameters */
    bool single = base.gid != 0;
    cvu u = single ? 0 : base.h - konst(L, CV_MC_SUP_BASELINE_DROP_MAX, ss);
    cvu v = single ? 0 : base.d + konst(L, CV_MC_SUB_BASELINE_DROP_MIN, ss);
    if (has_sup) {
        cvu up = konst(L, cramped ? CV_MC_SUP_SHIFT_UP_CRAMPED : CV_MC_SUP_SHIFT_UP, style);
        if (u < up)
            u = up;
        cvu min = sup.d + konst(L, CV_MC_SUP_BOTTOM_MIN, style);
        if (u < min)
            u = min;
    }
    if (has_sub) {
        cvu down = konst(L, CV_MC_SUB_SHIFT_DOWN, style);
        if (v < down)
            v = down;
        cvu min = sub.h - konst(L, CV_MC_SUB_TOP_MAX, style);
        if (v < min)
            v = min;
    }
    if (has_sub && has_sup) {
        cvu gap = (u - sup.d) - (sub.h - v), want = konst(L, CV_MC_SUBSUP_GAP_MIN, style);
        if (gap < want) {
            v += want - gap;
            cvu psi = konst(L, CV_MC_SUP_BOTTOM_MAX_WITH_SUB, style) - (u - sup.d);
            if (psi > 0) {
                u += psi;
                v -= psi;
            }
        }
    }
    box b = base;
    cvu x = base.w;
    cvu wsup = 0, wsub = 0;
    if (has_sup) {
        move(L, &sup, x + base.italic, u); /* (an operator's subscript, not its superscript, goes left) */
        wsup = sup.w + base.italic;
        if (u + sup.h > b.h)
            b.h = u + sup.h;
    }
    if (has_sub) {
        move(L, &sub, x - (op ? base.italic : 0), -v);
        wsub = sub.w - (op ? base.italic : 0);
        if (v + sub.d > b.d)
            b.d = v + sub.d;
    }
    b.w = x + (wsup > wsub ? wsup : wsub) + konst(L, CV_MC_SPACE_AFTER_SCRIPT, style);
    b.g1 = L->out->glyphs.n;
    b.r1 = L->out->rules.n;
    b.cls = bn ? base.cls : C_ORD;
    b.gid = 0;
    b.italic = 0;
    return b;
}

static box lay_delims(layout *L, const node *nd, int style, bool cramped, int depth)
{
    cvu size = style_size(L, style);
    if (nd->size) { /* \big( ... a fixed size */
        box d = delim_box(L, nd->cp, size * nd->size / 10, style, nd->cls);
        return d;
    }
    /* the body first, then the delimiters around it, each as tall as it needs
     * (\delimiterfactor 901, \delimitershortfall 5 pt) */
    box body = nd->a >= 0 ? lay(L, nd->a, style, cramped, depth + 1) : empty_box(L);
    cvu axis = konst(L, CV_MC_AXIS_HEIGHT, style);
    cvu delta = body.h - axis > body.d + axis ? body.h - axis : body.d + axis;
    cvu want = delta * 2 * 901 / 1000;
    if (2 * delta - size / 2 > want)
        want = 2 * delta - size / 2;
    box l = delim_box(L, nd->cp, want, style, C_OPEN);
    box bb = body;
    move(L, &bb, l.w, 0);
    box b = l;
    b.w = l.w + bb.w;
    if (bb.h > b.h)
        b.h = bb.h;
    if (bb.d > b.d)
        b.d = bb.d;
    box r = delim_box(L, nd->cp2, want, style, C_CLOSE);
    append(L, &b, &r, 0);
    b.cls = C_INNER;
    b.gid = 0;
    return b;
}

static box lay_accent(layout *L, const node *nd, int style, int depth)
{
    cvu size = style_size(L, style);
    box base = nd->a >= 0 ? lay(L, nd->a, style, true, depth + 1) : empty_box(L);
    uint32_t ag = cv_face_glyph(L->face, nd->cp);
    if (nd->size) /* \widehat, \widetilde: as wide as the base */
        ag = variant(L, ag, false, base.w, size);
    cvu battach = base.gid ? fu(L, cv_math_top_accent(L->face, base.gid), size) : base.w / 2;
    box acc = glyph_box(L, ag, 0, size, C_ORD);
    cvu aattach = fu(L, cv_math_top_accent(L->face, ag), size);
    int x0, y0, x1, y1;
    if (!acc.w && cv_face_box(L->face, ag, &x0, &y0, &x1, &y1))
        aattach = fu(L, (x0 + x1) / 2, size); /* a combining mark, no attachment: its ink's middle */
    cvu abh = konst(L, CV_MC_ACCENT_BASE_HEIGHT, style);
    cvu rise = base.h > abh ? base.h - abh : 0;
    move(L, &acc, battach - aattach, rise);
    box b = base;
    b.g1 = acc.g1;
    b.r1 = acc.r1;
    if (acc.h + rise > b.h)
        b.h = acc.h + rise;
    b.gid = 0;
    b.cls = C_ORD;
    return b;
}

static box lay_node(layout *L, int n, int style, bool cramped, int depth);

/* Node n laid out: its box holds every glyph and rule made while it was (a parent makes its
 * children first, then its own delimiters or bars: all of it is the parent's). */
static box lay(layout *L, int n, int style, bool cramped, int depth)
{
    size_t g0 = L->out->glyphs.n, r0 = L->out->rules.n;
    box b = lay_node(L, n, style, cramped, depth);
    b.g0 = g0;
    b.g1 = L->out->glyphs.n;
    b.r0 = r0;
    b.r1 = L->out->rules.n;
    return b;
}

static box lay_node(layout *L, int n, int style, bool cramped, int depth)
{
    const node *nd = &L->nodes[n];
    cvu size = style_size(L, style);
    switch (nd->kind) {
    case N_LIST:
        return lay_list(L, nd, style, cramped, depth);
    case N_SYM:
        if (nd->cls == C_OP)
            return op_box(L, nd, style);
        return char_box(L, nd->cp, nd->font, size, nd->cls);
    case N_TEXT:
        return lay_text(L, nd, size);
    case N_FRAC:
        return lay_frac(L, nd, style, cramped, depth);
    case N_SQRT:
        return lay_sqrt(L, nd, style, depth);
    case N_SCRIPTS:
        return lay_scripts(L, nd, style, cramped, depth);
    case N_DELIMS:
        return lay_delims(L, nd, style, cramped, depth);
    case N_ACCENT:
        return lay_accent(L, nd, style, depth);
    case N_OVERLINE: {
        box body = nd->a >= 0 ? lay(L, nd->a, style, true, depth + 1) : empty_box(L);
        cvu t = konst(L, CV_MC_FRAC_RULE, style), gap = 3 * t;
        cv_mrule r = {0, body.h + gap, body.w, body.h + gap + t};
        if (CV_PUSH(L->out->rules, r))
            L->ctx->oom = true;
        body.r1 = L->out->rules.n;
        body.h += gap + 2 * t;
        body.gid = 0;
        return body;
    }
    default: {
        box e = empty_box(L);
        return e;
    }
    }
}

/* ---- the linear form ---------------------------------------------------------------------- */

static void linear(const layout *L, int n, cv_buf *o, int depth);

/* A script or an argument: one atom as it is, more in parentheses. */
static void linear_arg(const layout *L, int n, cv_buf *o, int depth)
{
    const node *nd = &L->nodes[n];
    bool many = nd->kind == N_LIST && nd->a >= 0 && L->nodes[nd->a].next >= 0;
    bool word = nd->kind == N_LIST && many;
    if (word) {
        /* a run of letters and digits (P_comp) needs no parentheses */
        word = true;
        for (int k = nd->a; k >= 0; k = L->nodes[k].next) {
            const node *c = &L->nodes[k];
            uint32_t cp = c->cp;
            if (c->kind != N_SYM || !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))) {
                word = false;
                break;
            }
        }
    }
    if (many && !word)
        cv_buf_puts(o, "(");
    linear(L, n, o, depth + 1);
    if (many && !word)
        cv_buf_puts(o, ")");
}

static void put_cp(cv_buf *o, uint32_t cp)
{
    char u[4];
    cv_buf_add(o, u, (size_t)cv_utf8_put(cp, u));
}

static void linear(const layout *L, int n, cv_buf *o, int depth)
{
    if (n < 0 || depth > MAX_DEPTH + 8)
        return;
    const node *nd = &L->nodes[n];
    switch (nd->kind) {
    case N_LIST:
        for (int k = nd->a; k >= 0; k = L->nodes[k].next) {
            const node *c = &L->nodes[k];
            const node *base = c->kind == N_SCRIPTS && c->a >= 0 ? &L->nodes[c->a] : c;
            /* operators and relations spaced, as they read: "n log n", "∑_(i=1)^n x_i" */
            bool spaced = ((c->kind == N_SYM || c->kind == N_TEXT) && (c->cls == C_BIN || c->cls == C_REL || c->cls == C_OP)) ||
                          ((base->kind == N_SYM || base->kind == N_TEXT) && base->cls == C_OP);
            char before = o->len > L->lin0 ? o->p[o->len - 1] : ' ';
            if (spaced && before != ' ' && before != '(' && before != '_' && before != '^')
                cv_buf_puts(o, " ");
            linear(L, k, o, depth + 1);
            if ((spaced || (c->kind == N_SYM && c->cls == C_PUNCT)) && c->next >= 0)
                cv_buf_puts(o, " ");
        }
        break;
    case N_SYM:
        put_cp(o, nd->cp);
        break;
    case N_TEXT:
        cv_buf_add(o, L->tex + nd->toff, nd->tlen);
        break;
    case N_SPACE:
        if (nd->mu >= 6 && o->len > L->lin0 && o->p[o->len - 1] != ' ')
            cv_buf_puts(o, " ");
        break;
    case N_FRAC:
        if (nd->a >= 0)
            linear_arg(L, nd->a, o, depth);
        cv_buf_puts(o, nd->rule ? "/" : " choose ");
        if (nd->b >= 0)
            linear_arg(L, nd->b, o, depth);
        break;
    case N_SQRT:
        put_cp(o, 0x221A);
        if (nd->a >= 0) {
            cv_buf_puts(o, "(");
            linear(L, nd->a, o, depth + 1);
            cv_buf_puts(o, ")");
        }
        break;
    case N_SCRIPTS:
        if (nd->a >= 0)
            linear(L, nd->a, o, depth + 1);
        if (nd->b >= 0) {
            cv_buf_puts(o, "_");
            linear_arg(L, nd->b, o, depth);
        }
        if (nd->c >= 0) {
            if (L->nodes[nd->c].kind == N_SYM && L->nodes[nd->c].cp == 0x2032) {
                put_cp(o, 0x2032);
            } else {
                cv_buf_puts(o, "^");
                linear_arg(L, nd->c, o, depth);
            }
        }
        break;
    case N_DELIMS:
        if (nd->cp)
            put_cp(o, nd->cp);
        if (nd->a >= 0)
            linear(L, nd->a, o, depth + 1);
        if (nd->cp2)
            put_cp(o, nd->cp2);
        break;
    case N_ACCENT:
    case N_OVERLINE:
        if (nd->a >= 0)
            linear(L, nd->a, o, depth + 1);
        if (nd->kind == N_ACCENT)
            put_cp(o, nd->cp);
        break;
    default:
        break;
    }
}

int cv_math_layout(cv_ctx *ctx, const cv_face *face, const char *tex, size_t len, cvu size, bool display, int line,
                   int col, cv_mathbox *out)
{
    memset(out, 0, sizeof *out);
    if (len > MAX_TEX)
        len = MAX_TEX; /* (the rest is left out: no résumé writes a formula this long) */
    parser p = {ctx, tex, len, 0, line, col, {0}, false, 0};
    int root = parse_list(&p, 0, 0, F_IT);
    if (p.oom || root < 0) {
        free(p.nodes.v);
        ctx->oom = true; /* (a formula left out would be a different document) */
        return -1;
    }
    layout L;
    memset(&L, 0, sizeof L);
    L.ctx = ctx;
    L.face = face;
    L.tex = tex;
    L.size = size;
    L.upem = cv_face_get_info(face)->upem;
    L.out = out;
    L.nodes = p.nodes.v;
    for (int c = 0; c < CV_MC_N; c++)
        L.c[c] = cv_math_constant(face, (cv_math_const)c);
    if (!L.c[CV_MC_SCRIPT_PERCENT])
        L.c[CV_MC_SCRIPT_PERCENT] = 70;
    if (!L.c[CV_MC_SCRIPTSCRIPT_PERCENT])
        L.c[CV_MC_SCRIPTSCRIPT_PERCENT] = 50;
    if (L.upem <= 0)
        L.upem = 1000;
    box b = lay(&L, root, display ? S_D : S_T, false, 0);
    /* the width is the ink's: no space after a last script (it would read as a word space) */
    cvu right = 0;
    for (size_t k = 0; k < out->glyphs.n; k++) {
        cvu r = out->glyphs.v[k].x + fu(&L, cv_face_advance(face, out->glyphs.v[k].gid), out->glyphs.v[k].size);
        if (r > right)
            right = r;
    }
    for (size_t k = 0; k < out->rules.n; k++)
        if (out->rules.v[k].x1 > right)
            right = out->rules.v[k].x1;
    out->w = right && right < b.w ? right : b.w;
    out->h = b.h;
    out->d = b.d;
    out->linear = L.lin0 = out->text.len;
    linear(&L, root, &out->text, 0);
    /* (a trailing space of the linear form is not the formula's) */
    while (out->text.len > out->linear && out->text.p[out->text.len - 1] == ' ')
        out->text.len--;
    cv_buf_add(&out->text, "", 0);
    free(p.nodes.v);
    if (out->text.oom)
        ctx->oom = true;
    return ctx->oom ? -1 : 0;
}

void cv_mathbox_free(cv_mathbox *b)
{
    free(b->glyphs.v);
    free(b->rules.v);
    cv_buf_free(&b->text);
    memset(b, 0, sizeof *b);
}
