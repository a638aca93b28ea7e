package impact

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"tremplin/internal/partners"
	"tremplin/internal/platform/db"
)

// The referral funnel per partner reads impact_referrals, one row per person of a
// referral, kept up to date with the other counters: reading every referral with
// the files and follow-ups of the people took most of a second for a national
// year at a million people.

// referralsOf derives the rows of the referred people matching only, an SQL
// condition on rp (referral_people) and l0 (the referral's file).
func referralsOf(ctx context.Context, q db.Execer, only string) ([][]any, error) {
	type row struct {
		person, learner, org, antenna, effective int64
		referred, state, status                  string
	}
	rows, err := q.QueryContext(ctx, `SELECT rp.id, rp.learner_id, r.org_id, r.antenna_id, COALESCE(lm.id, l0.id), r.created_at, rp.state,
		COALESCE(lm.status, l0.status)
		FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id
		JOIN learners l0 ON l0.id = rp.learner_id LEFT JOIN learners lm ON lm.id = l0.merged_into WHERE `+only)
	list, err := db.Collect[row](rows, err)(func(r db.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.person, &x.learner, &x.org, &x.antenna, &x.effective, &x.referred, &x.state, &x.status)
	})
	if err != nil {
		return nil, err
	}
	// Positive exits of the files concerned, read once.
	positive := map[int64]bool{}
	quoted := make([]string, len(partners.PositiveExits))
	for i, s := range partners.PositiveExits {
		quoted[i] = "'" + s + "'" // constant codes
	}
	if len(list) > 0 {
		rows, err := q.QueryContext(ctx, `SELECT DISTINCT f.learner_id FROM learner_followups f WHERE f.situation IN (`+strings.Join(quoted, ", ")+`)
			AND f.learner_id IN (SELECT COALESCE(lm.id, l0.id) FROM referral_people rp JOIN learners l0 ON l0.id = rp.learner_id
			LEFT JOIN learners lm ON lm.id = l0.merged_into WHERE `+only+`)`)
		ids, err := db.Collect[int64](rows, err)(db.ScanInt64)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			positive[id] = true
		}
	}
	flag := func(ok bool) int {
		if ok {
			return 1
		}
		return 0
	}
	out := make([][]any, 0, len(list))
	for _, x := range list {
		out = append(out, []any{x.person, x.learner, x.org, x.antenna, x.referred[:min(10, len(x.referred))],
			flag(slices.Contains(partners.ReachedStates, x.state)), flag(slices.Contains(partners.EnrolledStatuses, x.status)),
			flag(slices.Contains(partners.CompletedStatuses, x.status)), flag(positive[x.effective])})
	}
	return out, nil
}

func saveReferrals(ctx context.Context, tx *sql.Tx, rows [][]any) error {
	b := db.NewBatch(ctx, tx, "impact_referrals", "person_id", "learner_id", "org_id", "antenna_id", "referred_on", "reached", "enrolled",
		"completed", "positive")
	for _, r := range rows {
		if err := b.Add(r...); err != nil {
			return err
		}
	}
	return b.Flush()
}

// changedReferrals are the people of referrals whose row may have changed: their
// file (or the file it was merged into) changed, or the referral's state did.
const changedReferrals = `(rp.learner_id IN (SELECT learner_id FROM impact_changed)
	OR l0.merged_into IN (SELECT learner_id FROM impact_changed))`

// refreshReferrals derives again the rows of the people of impact_changed, and of
// the referral states changed since the watermark (added to impact_changed first).
func refreshReferrals(ctx context.Context, tx *sql.Tx, w watermark) error {
	for _, q := range []string{
		w.bind("INSERT INTO impact_changed (learner_id) SELECT learner_id FROM referral_people WHERE updated_at >= $1 ON CONFLICT DO NOTHING"),
		`DELETE FROM impact_referrals WHERE learner_id IN (SELECT learner_id FROM impact_changed)
			OR learner_id IN (SELECT id FROM learners WHERE merged_into IN (SELECT learner_id FROM impact_changed))`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	rows, err := referralsOf(ctx, tx, changedReferrals)
	if err != nil {
		return err
	}
	return saveReferrals(ctx, tx, rows)
}

// funnel counts, per organisation, the people referred in the period to the
// antennas of f (every programme), as partners.Figures sorted by name.
func funnel(ctx context.Context, d *db.DB, f Filter) ([]*partners.Figures, error) {
	// Literals: dates and ids of our own making (see read).
	// The sums come from the covering index alone; the names are joined after.
	q := `SELECT x.org_id, COUNT(*) AS n, SUM(x.reached) AS reached, SUM(x.enrolled) AS enrolled, SUM(x.completed) AS completed,
		SUM(x.positive) AS positive FROM impact_referrals x
		WHERE x.referred_on >= '` + f.From.Format("2006-01-02") + `' AND x.referred_on <= '` + f.To.Format("2006-01-02") + `'`
	if f.Antennas != nil {
		q += " AND x.antenna_id IN (" + idList(f.Antennas) + ")"
	}
	rows, err := d.QueryContext(ctx, `SELECT s.org_id, o.name, s.n, s.reached, s.enrolled, s.completed, s.positive
		FROM (`+q+` GROUP BY x.org_id) s JOIN partner_orgs o ON o.id = s.org_id`)
	list, err := db.Collect[*partners.Figures](rows, err)(func(r db.Scanner) (*partners.Figures, error) {
		var o partners.Figures
		return &o, r.Scan(&o.OrgID, &o.OrgName, &o.Referred, &o.Reached, &o.Enrolled, &o.Completed, &o.Positive)
	})
	slices.SortFunc(list, func(a, b *partners.Figures) int {
		return cmp.Or(cmp.Compare(a.OrgName, b.OrgName), cmp.Compare(a.OrgID, b.OrgID))
	})
	return list, err
}
