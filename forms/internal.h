/* forms internals: shared between the files of forms/ only. */
#ifndef RADESK_FORMS_INTERNAL_H
#define RADESK_FORMS_INTERNAL_H

#include "forms/forms.h"

/* Code points that no text field may hold. */
bool rd__is_control(uint32_t cp);
/* Writes a printable description of a code point: "'a'", "'张'" or "U+0007". */
void rd__describe_cp(uint32_t cp, char out[16]);

/* Where a field lives inside rd_application (fields.c). */
void *rd__field_ptr(rd_application *a, rd_field_id id, size_t *size);
const void *rd__field_cptr(const rd_application *a, rd_field_id id, size_t *size);
/* The built-in products (static; never freed). */
const rd_products *rd__builtin_products(void);

#endif
