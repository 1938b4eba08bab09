/* model.c: freeing the document model (model.h), whichever front end built it. */
#include <stdlib.h>
#include <string.h>

#include "model.h"

void cv_model_free(cv_model *m)
{
    for (size_t i = 0; i < m->blocks.n; i++) {
        free(m->blocks.v[i].text);
        free(m->blocks.v[i].spans.v);
    }
    free(m->blocks.v);
    for (size_t i = 0; i < m->links.n; i++)
        free(m->links.v[i]);
    free(m->links.v);
    free(m->link_dest.v);
    for (size_t i = 0; i < m->anchors.n; i++)
        free(m->anchors.v[i].name);
    free(m->anchors.v);
    for (size_t i = 0; i < m->images.n; i++) {
        free(m->images.v[i].src);
        free(m->images.v[i].alt);
        free(m->images.v[i].data);
    }
    free(m->images.v);
    for (size_t i = 0; i < m->tables.n; i++) {
        for (size_t k = 0; k < m->tables.v[i].cells.n; k++) {
            free(m->tables.v[i].cells.v[k].text);
            free(m->tables.v[i].cells.v[k].spans.v);
        }
        free(m->tables.v[i].cells.v);
    }
    free(m->tables.v);
    for (size_t i = 0; i < m->maths.n; i++)
        free(m->maths.v[i].tex);
    free(m->maths.v);
    free(m->first_heading);
    memset(m, 0, sizeof *m);
}

int cv_model_title(cv_model *m, const char *title, int line, int col)
{
    cv_block b;
    memset(&b, 0, sizeof b);
    b.kind = CV_B_HEADING;
    b.level = 1;
    b.table = -1;
    b.len = (uint32_t)strlen(title);
    b.text = cv_strndup(title, b.len);
    b.line = line;
    b.col = col;
    cv_span sp = {0, b.len, 0, -1, -1, line, col, 0, 0};
    if (!b.text || CV_PUSH(b.spans, sp) || CV_PUSH(m->blocks, b)) {
        free(b.text);
        free(b.spans.v);
        return -1;
    }
    memmove(m->blocks.v + 1, m->blocks.v, (m->blocks.n - 1) * sizeof *m->blocks.v);
    m->blocks.v[0] = b;
    for (size_t i = 0; i < m->anchors.n; i++)
        m->anchors.v[i].block++;
    m->title_heading = true;
    return 0;
}
