package demo

import (
	"context"

	"tremplin/internal/platform/db"
)

// seedPositioning adds the demo data of the positioning room, idempotently.
func seedPositioning(ctx context.Context, d *db.DB) error {
	return nil
}
