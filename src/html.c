/* html.c: the raw HTML that résumés contain, parsed by libxml2's HTML parser (its only
 * client) and rendered through the builder's interface (cv_bld_*, in build.c).
 *
 * HTML blocks are parsed whole into a DOM and walked: block elements (p, div, center, h1–h6,
 * ul/ol/li, table, hr, blockquote, pre, details/summary, ...) become blocks, inline elements
 * (b, i, u, s, sup, sub, code, a, span, ...) become styles of the text, img becomes an image
 * or its alt text, align="center" / <center> / style="text-align:..." align the blocks
 * inside. Comments vanish; script and style vanish with a warning; any other element renders
 * its text. Markdown inside an HTML block stays literal, as cmark-gfm parsed it.
 *
 * Inline HTML arrives from cmark-gfm one tag at a time ("<b>", text, "</b>"), so each
 * fragment is parsed on its own and the open tags are kept on a stack by the caller.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "bidi.h"
#include "html.h"

#define MAX_DEPTH 200

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

static htmlDocPtr parse(const char *s, size_t len)
{
    pthread_once(&xml_once, xml_init);
    return htmlReadMemory(s, (int)len, NULL, "UTF-8",
                          HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                              HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
}

static const char *name_of(const xmlNode *n) { return (const char *)n->name; }
static bool is(const xmlNode *n, const char *name) { return n->name && !strcasecmp(name_of(n), name); }

/* An attribute's value, or NULL; the caller frees it with xmlFree. */
static char *attr(const xmlNode *n, const char *name)
{
    return (char *)xmlGetProp((xmlNode *)n, (const xmlChar *)name);
}

static int attr_int(const xmlNode *n, const char *name)
{
    char *v = attr(n, name);
    long r = v ? strtol(v, NULL, 10) : 0; /* (atoi's overflow is undefined) */
    xmlFree(v);
    return r > 0 && r < 100000 ? (int)r : 0;
}

/* width="30%" (tenths of a percent into *pct) or width="200" / "200px" (CSS pixels into *px);
 * also a style's width: 30%. */
static void width_of(const xmlNode *n, int *pct, int *px)
{
    *pct = *px = 0;
    char *v = attr(n, "width");
    if (!v) {
        char *st = attr(n, "style");
        const char *w = st ? strstr(st, "width:") : NULL;
        if (w) {
            w += 6;
            while (*w == ' ')
                w++;
            v = (char *)xmlStrdup((const xmlChar *)w);
        }
        xmlFree(st);
    }
    if (!v)
        return;
    char *end;
    double d = strtod(v, &end);
    if (d > 0 && d < 100000) {
        while (*end == ' ')
            end++;
        if (*end == '%')
            *pct = d > 100 ? 1000 : (int)(d * 10 + 0.5);
        else if (!*end || *end == ';' || !strncmp(end, "px", 2))
            *px = (int)(d + 0.5);
    }
    xmlFree(v);
}

/* dir="rtl|ltr|auto": CV_DIR_*, or -1 when not given (the direction is inherited) */
static int dir_of(const xmlNode *n)
{
    char *v = attr(n, "dir");
    if (!v)
        return -1;
    int d = !strcasecmp(v, "rtl") ? CV_DIR_RTL : !strcasecmp(v, "ltr") ? CV_DIR_LTR : CV_DIR_AUTO;
    xmlFree(v);
    return d;
}

/* align="...", or style="text-align: ..." */
static int align_of(const xmlNode *n)
{
    int a = CV_ALIGN_DEFAULT;
    char *v = attr(n, "align");
    if (v) {
        if (!strcasecmp(v, "center") || !strcasecmp(v, "middle"))
            a = CV_ALIGN_CENTER;
        else if (!strcasecmp(v, "right"))
            a = CV_ALIGN_RIGHT;
        else if (!strcasecmp(v, "left"))
            a = CV_ALIGN_LEFT;
        xmlFree(v);
    }
    v = attr(n, "style");
    if (v) {
        const char *p = strstr(v, "text-align");
        if (p) {
            p += 10;
            while (*p == ' ' || *p == ':')
                p++;
            if (!strncasecmp(p, "center", 6))
                a = CV_ALIGN_CENTER;
            else if (!strncasecmp(p, "right", 5))
                a = CV_ALIGN_RIGHT;
            else if (!strncasecmp(p, "left", 4))
                a = CV_ALIGN_LEFT;
        }
        xmlFree(v);
    }
    return a;
}

static uint16_t inline_style(const xmlNode *n)
{
    static const struct { const char *name; uint16_t style; } map[] = {
        {"b", CV_S_BOLD},     {"strong", CV_S_BOLD},   {"i", CV_S_ITALIC},   {"em", CV_S_ITALIC},
        {"cite", CV_S_ITALIC}, {"var", CV_S_ITALIC},   {"dfn", CV_S_ITALIC}, {"u", CV_S_UNDERLINE},
        {"ins", CV_S_UNDERLINE}, {"s", CV_S_STRIKE},   {"del", CV_S_STRIKE}, {"strike", CV_S_STRIKE},
        {"sup", CV_S_SUP},    {"sub", CV_S_SUB},       {"code", CV_S_CODE},  {"kbd", CV_S_CODE},
        {"samp", CV_S_CODE},  {"tt", CV_S_CODE},       {"th", CV_S_BOLD},    {"summary", CV_S_BOLD},
        {"dt", CV_S_BOLD},    {"a", CV_S_LINK},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (is(n, map[i].name))
            return map[i].style;
    return 0;
}

static bool is_block(const xmlNode *n)
{
    static const char *blocks[] = {"p", "div", "center", "section", "article", "header", "footer",
                                   "main", "nav", "aside", "address", "figure", "figcaption",
                                   "details", "summary", "dl", "dt", "dd", "form", "fieldset",
                                   "legend", "caption", "hgroup", "blockquote", "pre"};
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
        if (is(n, blocks[i]))
            return true;
    return false;
}

/* Text with HTML's white space collapsed (pre keeps it). */
static void text(cv_bld *b, const char *s, bool pre)
{
    if (pre) {
        for (const char *p = s; *p;) {
            size_t k = strcspn(p, "\n");
            cv_bld_text(b, p, k);
            p += k;
            if (*p) {
                cv_bld_break(b);
                p++;
            }
        }
        return;
    }
    char buf[1024];
    size_t n = 0;
    bool space = false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
            space = true;
            continue;
        }
        if (space) {
            buf[n++] = ' ';
            space = false;
        }
        buf[n++] = c;
        if (n >= sizeof buf - 2) {
            cv_bld_text(b, buf, n);
            n = 0;
        }
    }
    if (space)
        buf[n++] = ' ';
    cv_bld_text(b, buf, n);
}

static void walk(cv_bld *b, const xmlNode *parent, int depth, bool pre);

/* An element's id (and an <a>'s name) is a place "#id" links jump to. */
static void anchor_of(cv_bld *b, const xmlNode *n)
{
    char *id = attr(n, "id");
    if (!id && is(n, "a"))
        id = attr(n, "name");
    if (id)
        cv_bld_anchor(b, id);
    xmlFree(id);
}

static void element(cv_bld *b, const xmlNode *n, int depth, bool pre)
{
    anchor_of(b, n);
    if (is(n, "script") || is(n, "style") || is(n, "template") || is(n, "noscript")) {
        cv_bld_warn(b, CVPDF_D_HTML_DROPPED, "<%s> in the HTML is not rendered", name_of(n));
        return;
    }
    if (is(n, "br")) {
        cv_bld_break(b);
        return;
    }
    if (is(n, "hr")) {
        cv_bld_rule(b);
        return;
    }
    if (is(n, "img")) {
        char *src = attr(n, "src"), *alt = attr(n, "alt");
        if (!alt)
            alt = attr(n, "title");
        cv_bld_image(b, src ? src : "", alt ? alt : "", attr_int(n, "width"), attr_int(n, "height"), true);
        xmlFree(src);
        xmlFree(alt);
        return;
    }
    if (is(n, "a")) {
        char *href = attr(n, "href");
        int32_t old = cv_bld_link(b, href);
        uint16_t olds = cv_bld_style(b, 0);
        cv_bld_style(b, olds | (href ? CV_S_LINK : 0));
        walk(b, n, depth + 1, pre);
        cv_bld_style(b, olds);
        cv_bld_set_link(b, old);
        xmlFree(href);
        return;
    }
    if (n->name && strlen(name_of(n)) == 2 && (name_of(n)[0] | 32) == 'h' && name_of(n)[1] >= '1' &&
        name_of(n)[1] <= '6') {
        cv_bld_end_para(b);
        int old = cv_bld_align(b, align_of(n) ? align_of(n) : -1), oldd = cv_bld_dir(b, dir_of(n));
        walk(b, n, depth + 1, pre);
        cv_bld_heading(b, name_of(n)[1] - '0');
        cv_bld_align(b, old);
        cv_bld_dir(b, oldd);
        return;
    }
    if (is(n, "ul") || is(n, "ol") || is(n, "menu")) {
        cv_bld_end_para(b);
        int start = attr_int(n, "start");
        int oldd = cv_bld_dir(b, dir_of(n));
        cv_bld_list(b, true, is(n, "ol"), start ? start : 1);
        walk(b, n, depth + 1, pre);
        cv_bld_end_para(b);
        cv_bld_list(b, false, false, 0);
        cv_bld_dir(b, oldd);
        return;
    }
    if (is(n, "li")) {
        cv_bld_end_para(b);
        cv_bld_item(b);
        int oldd = cv_bld_dir(b, dir_of(n));
        walk(b, n, depth + 1, pre);
        cv_bld_end_para(b);
        cv_bld_dir(b, oldd);
        return;
    }
    if (is(n, "table")) {
        cv_bld_end_para(b);
        cv_bld_table(b, true);
        int wp, wx;
        width_of(n, &wp, &wx);
        cv_bld_table_width(b, wp, wx);
        walk(b, n, depth + 1, pre);
        cv_bld_table(b, false);
        return;
    }
    if (is(n, "tr")) {
        bool header = n->parent && is(n->parent, "thead");
        if (!header) { /* a row of th cells only is a header too */
            bool any = false, all = true;
            for (const xmlNode *c = n->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE) {
                    any = true;
                    all &= is(c, "th");
                }
            header = any && all;
        }
        cv_bld_row(b, true, header);
        walk(b, n, depth + 1, pre);
        cv_bld_row(b, false, header);
        return;
    }
    if (is(n, "td") || is(n, "th")) {
        cv_bld_cell(b, true, is(n, "th"), align_of(n));
        int wp, wx;
        width_of(n, &wp, &wx);
        cv_bld_cell_size(b, attr_int(n, "colspan"), attr_int(n, "rowspan"), wp, wx);
        uint16_t old = cv_bld_style(b, 0);
        cv_bld_style(b, old | inline_style(n));
        walk(b, n, depth + 1, pre);
        cv_bld_style(b, old);
        cv_bld_cell(b, false, false, 0);
        return;
    }
    if (is(n, "caption")) {
        /* a caption is a paragraph before its table's rows */
        walk(b, n, depth + 1, pre);
        return;
    }
    if (is_block(n)) {
        cv_bld_end_para(b);
        int a = is(n, "center") ? CV_ALIGN_CENTER : align_of(n);
        int old = cv_bld_align(b, a ? a : -1), oldd = cv_bld_dir(b, dir_of(n));
        bool quote = is(n, "blockquote");
        if (quote)
            cv_bld_quote(b, 1);
        uint16_t olds = cv_bld_style(b, 0);
        cv_bld_style(b, olds | inline_style(n) | (is(n, "pre") ? CV_S_CODE : 0));
        walk(b, n, depth + 1, pre || is(n, "pre"));
        cv_bld_style(b, olds);
        cv_bld_end_para(b);
        if (quote)
            cv_bld_quote(b, -1);
        cv_bld_align(b, old);
        cv_bld_dir(b, oldd);
        return;
    }
    /* inline elements, and anything else: their text */
    uint16_t old = cv_bld_style(b, 0);
    cv_bld_style(b, old | inline_style(n));
    walk(b, n, depth + 1, pre);
    cv_bld_style(b, old);
}

static void walk(cv_bld *b, const xmlNode *parent, int depth, bool pre)
{
    if (depth > MAX_DEPTH) {
        cv_bld_warn(b, CVPDF_D_NESTED_TOO_DEEP, "HTML nested deeper than %d elements; the rest is not rendered", MAX_DEPTH);
        return;
    }
    for (const xmlNode *n = parent->children; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                text(b, (const char *)n->content, pre);
        } else if (n->type == XML_ELEMENT_NODE) {
            element(b, n, depth, pre);
        }
        /* comments, processing instructions, DTDs: not content */
    }
}

int cv_html_block(cv_bld *b, const char *html, size_t len)
{
    htmlDocPtr doc = parse(html, len);
    if (!doc)
        return -1;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (root) {
        /* libxml2 wraps a fragment in html/body: walk the root as a container */
        xmlNode holder;
        memset(&holder, 0, sizeof holder);
        holder.children = root;
        walk(b, &holder, 0, false);
    }
    xmlFreeDoc(doc);
    cv_bld_end_para(b);
    return 0;
}

/* The first element of a parsed fragment (inside the html/body libxml2 adds). */
static const xmlNode *first_element(const xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is(n, "html") || is(n, "body") || is(n, "head")) {
            const xmlNode *c = first_element(n->children);
            if (c)
                return c;
            continue;
        }
        return n;
    }
    return NULL;
}

static uint64_t name_hash(const char *name)
{
    return cv_hash(name, strlen(name)) >> 1; /* never UINT64_MAX */
}

/* Changes the count of open tags called name by delta (counts only say "maybe open": equal
 * hashes share one). */
static int count_tag(cv_html_stack *stack, const char *name, int delta)
{
    uint64_t h = name_hash(name), c = 0;
    cv_map_get(&stack->count, h, &c);
    return cv_map_put(&stack->count, h, (uint64_t)((int64_t)c + delta));
}

void cv_html_stack_free(cv_html_stack *stack)
{
    free(stack->open.v);
    cv_map_free(&stack->count);
    memset(stack, 0, sizeof *stack);
}

int cv_html_inline(cv_bld *b, const char *frag, size_t len, cv_html_stack *stack)
{
    if (len >= 4 && !memcmp(frag, "<!--", 4))
        return 0;
    if (len >= 2 && frag[0] == '<' && (frag[1] == '?' || frag[1] == '!'))
        return 0; /* processing instructions and declarations */
    if (len >= 3 && frag[0] == '<' && frag[1] == '/') {
        char name[12] = {0};
        size_t i = 2, k = 0;
        while (i < len && k < sizeof name - 1 && frag[i] != '>' && frag[i] != ' ')
            name[k++] = (char)(frag[i] >= 'A' && frag[i] <= 'Z' ? frag[i++] + 32 : frag[i++]);
        uint64_t open = 0;
        if (!cv_map_get(&stack->count, name_hash(name), &open) || !open)
            return 0; /* nothing of that name is open */
        /* the innermost open tag of that name closes, with every tag opened inside it: each
         * tag leaves the stack once, so the searches add up to the tags opened */
        for (size_t d = stack->open.n; d > 0; d--) {
            if (!strcmp(stack->open.v[d - 1].name, name)) {
                cv_bld_style(b, stack->open.v[d - 1].style);
                cv_bld_set_link(b, stack->open.v[d - 1].link);
                for (size_t t = d - 1; t < stack->open.n; t++)
                    if (count_tag(stack, stack->open.v[t].name, -1))
                        return -1;
                stack->open.n = d - 1;
                break;
            }
        }
        return 0;
    }
    htmlDocPtr doc = parse(frag, len);
    if (!doc)
        return -1;
    const xmlNode *n = first_element(doc->children);
    if (n && n->name) {
        if (is(n, "br")) {
            cv_bld_break(b);
        } else if (is(n, "img")) {
            element(b, n, 0, false);
        } else if (is(n, "script") || is(n, "style")) {
            cv_bld_warn(b, CVPDF_D_HTML_DROPPED, "<%s> in the HTML is not rendered", name_of(n));
        } else if (!is(n, "hr")) {
            anchor_of(b, n);
            cv_html_open o;
            memset(&o, 0, sizeof o);
            snprintf(o.name, sizeof o.name, "%s", name_of(n));
            o.style = cv_bld_style(b, 0);
            cv_bld_style(b, o.style | inline_style(n));
            o.link = cv_bld_link(b, NULL);
            cv_bld_set_link(b, o.link);
            if (is(n, "a")) {
                char *href = attr(n, "href");
                if (href)
                    cv_bld_link(b, href);
                xmlFree(href);
            }
            if (CV_PUSH(stack->open, o) || count_tag(stack, o.name, +1)) {
                xmlFreeDoc(doc);
                return -1;
            }
        }
    }
    xmlFreeDoc(doc);
    return 0;
}

int cv_html_container(const char *html, size_t len)
{
    while (len && (html[len - 1] == '\n' || html[len - 1] == '\r' || html[len - 1] == ' '))
        len--;
    while (len && (*html == ' ' || *html == '\n')) {
        html++;
        len--;
    }
    if (len < 3 || html[0] != '<' || html[len - 1] != '>' || memchr(html + 1, '<', len - 1))
        return 0; /* not exactly one tag */
    static const char *containers[] = {"div", "center", "section", "p", "article", "header", "main"};
    if (html[1] == '/') {
        for (size_t i = 0; i < sizeof containers / sizeof *containers; i++) {
            size_t k = strlen(containers[i]);
            if (len >= k + 3 && !strncasecmp(html + 2, containers[i], k) && (html[2 + k] == '>' || html[2 + k] == ' '))
                return -1;
        }
        return 0;
    }
    htmlDocPtr doc = parse(html, len);
    if (!doc)
        return 0;
    int r = 0;
    const xmlNode *n = first_element(doc->children);
    if (n && !n->children)
        for (size_t i = 0; i < sizeof containers / sizeof *containers; i++)
            if (is(n, containers[i])) {
                r = 1 + (is(n, "center") ? CV_ALIGN_CENTER : align_of(n));
                break;
            }
    xmlFreeDoc(doc);
    return r;
}
