package demo

import (
	"context"

	"tremplin/internal/platform/db"
)

// seedPartners adds the demo data of the partners room, idempotently.
func seedPartners(ctx context.Context, d *db.DB) error {
	return nil
}
