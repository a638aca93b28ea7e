package auth

import (
	"context"
	"time"

	"tremplin/internal/platform/db"
)

// Sign-in limits: after this many failures within the window, an account (or an
// address trying many accounts) must wait. Kept in the database so that every web
// process counts the same failures.
const (
	failureWindow = 15 * time.Minute
	maxPerAccount = 5
	maxPerAddress = 30
)

// tooManyFailures reports whether sign-in is paused for this email or address.
func tooManyFailures(ctx context.Context, d *db.DB, email, address string) (bool, error) {
	since := time.Now().Add(-failureWindow).Unix()
	var byEmail, byAddress int
	err := d.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at > $3),
		(SELECT COUNT(*) FROM login_failures WHERE address = $2 AND at > $3)`, email, address, since).Scan(&byEmail, &byAddress)
	if err != nil {
		return false, err
	}
	return byEmail >= maxPerAccount || byAddress >= maxPerAddress, nil
}

func recordFailure(ctx context.Context, d *db.DB, email, address string) error {
	_, err := d.Exec(ctx, "INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3)", email, address, time.Now().Unix())
	return err
}

func clearFailures(ctx context.Context, d *db.DB, email string) error {
	_, err := d.Exec(ctx, "DELETE FROM login_failures WHERE email = $1", email)
	return err
}
