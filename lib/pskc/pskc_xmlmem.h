/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/pskc_* only: libxml2's heap cleansed on free. */
#ifndef AWSMFA_PSKC_XMLMEM_H
#define AWSMFA_PSKC_XMLMEM_H

/* Once, before libxml2 allocates anything in this process. */
void	pskc_xmlmem_init(void);

#endif
