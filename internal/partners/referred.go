package partners

import (
	"context"
	"strconv"
	"strings"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// ReferredPerson is one person sent by a partner with their referral's listing:
// one line of the referrals export. The referral's counts (People, Known) are
// not read.
type ReferredPerson struct {
	Referral Referral
	Person   Person
}

// referredPage is how many referrals EachReferredPerson reads per page: a few
// thousand people at most, held while they are handed over.
var referredPage = 500

const referredColumns = `r.id, r.org_id, o.name, COALESCE(r.contact_id, 0), COALESCE(c.name, ''), r.antenna_id, a.name,
	COALESCE(r.programme_id, 0), COALESCE(pg.title, ''), r.source, r.created_at,
	rp.id, COALESCE(lm.id, l0.id), l0.first_name, l0.last_name, rp.state, rp.reason, rp.updated_at, rp.known`

const referredFrom = ` FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id JOIN partner_orgs o ON o.id = r.org_id
	JOIN antennas a ON a.id = r.antenna_id LEFT JOIN partner_contacts c ON c.id = r.contact_id
	LEFT JOIN programmes pg ON pg.id = r.programme_id
	JOIN learners l0 ON l0.id = rp.learner_id LEFT JOIN learners lm ON lm.id = l0.merged_into`

// EachReferredPerson calls fn for every person referred to the scope's antennas
// (by organisation orgID when not 0): referrals newest first, each one's people
// in the order they were sent. Referrals are read a page at a time, walking the
// index on (created_at, id) from a cursor, then the page's people in one query:
// an export of every referral holds one page, and no read lasts long.
func EachReferredPerson(ctx context.Context, d *db.DB, sc auth.Scope, orgID int64, fn func(*ReferredPerson) error) error {
	var after *Cursor
	for {
		keys, err := referralKeys(ctx, d, sc, orgID, after)
		if err != nil || len(keys) == 0 {
			return err
		}
		people, err := referredPeople(ctx, d, keys)
		if err != nil {
			return err
		}
		for _, p := range people {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(keys) < referredPage {
			return nil
		}
		after = &keys[len(keys)-1]
	}
}

// referralKeys reads one page of the scope's referrals, newest first, after the
// cursor when given: their ids and times as stored.
func referralKeys(ctx context.Context, d *db.DB, sc auth.Scope, orgID int64, after *Cursor) ([]Cursor, error) {
	where, args := sc.Where("r.antenna_id", 1)
	args = append(args, orgID)
	q := "SELECT r.created_at, r.id FROM referrals r WHERE " + where + " AND ($3 = 0 OR r.org_id = $3)"
	if after != nil {
		args = append(args, after.At, after.ID)
		q += " AND (r.created_at, r.id) < ($4, $5)"
	}
	q += " ORDER BY r.created_at DESC, r.id DESC LIMIT " + strconv.Itoa(referredPage)
	rows, err := d.QueryContext(ctx, q, args...)
	return db.Collect[Cursor](rows, err)(func(row db.Scanner) (Cursor, error) {
		var c Cursor
		return c, row.Scan(&c.At, &c.ID)
	})
}

// referredPeople reads the people of the referrals keys, in the keys' order and,
// within a referral, the order they were sent. The ids are ours, written inline.
func referredPeople(ctx context.Context, d *db.DB, keys []Cursor) ([]*ReferredPerson, error) {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = strconv.FormatInt(k.ID, 10)
	}
	rows, err := d.QueryContext(ctx, "SELECT "+referredColumns+referredFrom+" WHERE rp.referral_id IN ("+strings.Join(ids, ", ")+
		") ORDER BY r.created_at DESC, r.id DESC, rp.id")
	return db.Collect[*ReferredPerson](rows, err)(scanReferred)
}

func scanReferred(row db.Scanner) (*ReferredPerson, error) {
	var rp ReferredPerson
	r, p := &rp.Referral, &rp.Person
	var created, updated string
	if err := row.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.ContactID, &r.ContactName, &r.AntennaID, &r.AntennaName,
		&r.ProgrammeID, &r.ProgrammeTitle, &r.Source, &created,
		&p.ID, &p.LearnerID, &p.FirstName, &p.LastName, &p.State, &p.Reason, &updated, &p.Known); err != nil {
		return nil, err
	}
	r.CreatedAt, p.UpdatedAt = db.ParseTime(created), db.ParseTime(updated)
	p.ReferralID, p.ReferredAt = r.ID, r.CreatedAt
	p.AntennaName, p.ProgrammeTitle = r.AntennaName, r.ProgrammeTitle
	return &rp, nil
}
