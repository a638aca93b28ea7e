package learners

import (
	"context"
	"database/sql"

	"tremplin/internal/platform/db"
)

// What the partners package asks of files, one way (partners → learners): whether a
// person it is sent is already known, and a partner's correction of a phone.

// Known is an existing file a person was recognised as.
type Known struct {
	ID     int64
	Status string
}

// existingBulk is from how many people on the antenna's files are read once rather
// than looked up person by person.
const existingBulk = 50

// Existing returns, for each person sent to antennaID, the earliest file of the
// antenna (not merged away) likely the same person, by the rule registration flags
// duplicates with (same phone, or same name in either order and birth year); a
// zero Known for none. q may be a transaction.
func Existing(ctx context.Context, q db.Execer, antennaID int64, people []*Learner) ([]Known, error) {
	out := make([]Known, len(people))
	if len(people) == 0 {
		return out, nil
	}
	if len(people) >= existingBulk {
		ix, err := loadDupIndex(ctx, q, antennaID)
		if err != nil {
			return nil, err
		}
		for i, l := range people {
			out[i].ID = ix.find(l)
		}
	} else {
		for i, l := range people {
			probe := *l
			probe.ID, probe.AntennaID = 0, antennaID
			id, err := findDuplicate(ctx, q, &probe, NameKey(l.FirstName), NameKey(l.LastName))
			if err != nil {
				return nil, err
			}
			out[i].ID = id
		}
	}
	for i := range out {
		if out[i].ID == 0 {
			continue
		}
		if err := q.QueryRowContext(ctx, "SELECT status FROM learners WHERE id = $1", out[i].ID).Scan(&out[i].Status); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CorrectPhone replaces the phone of a file (or of the file it was merged into)
// with phone, already normalised (check.Phone), and keeps the change in the
// file's history with who made it (by: a partner contact and their organisation).
// It returns the file changed.
func CorrectPhone(ctx context.Context, d *db.DB, id int64, phone, by string) (int64, error) {
	var target int64
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var merged sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT merged_into FROM learners WHERE id = $1", id).Scan(&merged)
		if err != nil {
			return db.NotFound(err)
		}
		target = id
		if merged.Valid {
			target = merged.Int64
		}
		now := db.Now()
		res, err := tx.ExecContext(ctx, "UPDATE learners SET phone = $1, phone_undeliverable_at = '', updated_at = $2 WHERE id = $3 AND phone <> $1", phone, now, target)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // the same number again: nothing to log
		}
		return addHistory(ctx, tx, target, "partner_phone", "", by, 0, now)
	})
	return target, err
}
