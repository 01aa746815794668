/* SPDX-License-Identifier: BSD-2-Clause */
/* Records and inventories with every field set, shared by the record and
 * store tests. */
#ifndef AWSMFA_TEST_STORE_SAMPLE_H
#define AWSMFA_TEST_STORE_SAMPLE_H

#include "inventory.h"
#include "record.h"

/* Three devices (virtual pending, hardware active, virtual SHA512 with
 * extreme values) and three recovery hashes. */
void	sample_record(struct mfa_record *rec, const char *user);
/* One device "d0".."dN-1" per index, seed varies the secret. */
void	sample_device(struct mfa_device *d, unsigned i, unsigned seed);
void	sample_inventory(struct inventory *inv);
/* 1 when every meaningful field is equal. */
int	records_equal(const struct mfa_record *a, const struct mfa_record *b);
int	inventories_equal(const struct inventory *a, const struct inventory *b);

#endif
