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
    free(m->first_heading);
    memset(m, 0, sizeof *m);
}
