package demo

import (
	"context"

	"tremplin/internal/platform/db"
)

// seedLearners adds the demo data of the learners room, idempotently.
func seedLearners(ctx context.Context, d *db.DB) error {
	return nil
}
