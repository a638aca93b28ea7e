package demo

import (
	"context"

	"tremplin/internal/platform/db"
)

// seedTraining adds the demo data of the training room, idempotently.
func seedTraining(ctx context.Context, d *db.DB) error {
	return nil
}
