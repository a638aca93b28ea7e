package demo

import (
	"context"
	"database/sql"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/privacy"
)

// seedRetention shows the retention of learners' files: in Bordeaux, a person
// seen last 23 months ago, whose file is on the list of those anonymised within
// 30 days, and a file of three years ago already anonymised. Their rows are
// dated back by hand (demo data only: learners.Register dates its history now).
func seedRetention(ctx context.Context, d *db.DB) error {
	var antenna int64
	if err := d.QueryRowContext(ctx, "SELECT id FROM antennas WHERE name = 'Bordeaux'").Scan(&antenna); err != nil {
		return db.NotFound(err)
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM learners WHERE antenna_id = $1 AND (last_name = 'Ferreira' OR anonymised_at <> '')`,
		antenna).Scan(&n); err != nil || n > 0 {
		return err
	}
	now := time.Now()
	add := func(first, last, phone string, year int, created time.Time) (int64, error) {
		p, _ := check.Phone("FR", phone)
		l := &learners.Learner{AntennaID: antenna, FirstName: first, LastName: last, Phone: p, BirthYear: year, Situations: []string{"rsa"},
			Lang: "fr", Source: "web", ConsentText: i18n.For("fr").T("register.consent"), CreatedAt: created}
		if err := learners.Register(ctx, d, l, "", 0); err != nil {
			return 0, err
		}
		at := db.FormatTime(created)
		for _, q := range []string{"UPDATE learners SET created_at = $1, updated_at = $1 WHERE id = $2",
			"UPDATE learner_history SET at = $1 WHERE learner_id = $2"} {
			if _, err := d.Exec(ctx, q, at, l.ID); err != nil {
				return 0, err
			}
		}
		return l.ID, nil
	}
	if _, err := add("Sofia", "Ferreira", "06 45 32 10 55", 1982, now.AddDate(0, -23, -10)); err != nil {
		return err
	}
	gone, err := add("Marc", "Lambert", "06 45 32 10 56", 1969, now.AddDate(-3, 0, 0))
	if err != nil {
		return err
	}
	if err := d.Tx(ctx, func(tx *sql.Tx) error { return privacy.Anonymise(ctx, tx, []int64{gone}, now) }); err != nil {
		return err
	}
	_, err = (&privacy.Retention{DB: d}).Run(ctx, now)
	return err
}
