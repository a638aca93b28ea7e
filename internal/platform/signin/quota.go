package signin

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"time"

	"tremplin/internal/platform/db"
)

// Quota limits the links of one kind that are sent by email or SMS (password
// resets, the spaces' sign-in links): at most PerAccount to one account within
// Window, so that nobody's mailbox or phone is flooded, and at most PerAddress
// requests from one client address, whatever the accounts typed, so that one
// address cannot go through many. The page asking for a link answers the same
// whether a link went or not, and whether the account exists or not.
type Quota struct {
	PerAccount int
	PerAddress int
	Window     time.Duration
}

// SpaceQuota is the quota of the spaces' sign-in links (partners' contacts,
// volunteers): 5 links to a person an hour, 20 requests from one address an hour
// (an agency's office or a shared wifi behind one address).
var SpaceQuota = Quota{PerAccount: 5, PerAddress: 20, Window: time.Hour}

// Take records that address asked for a link of kind for account (0 when nobody
// has the email or phone typed: the request counts against the address all the
// same) and reports whether a link may be sent. An empty address (a link sent on
// someone's behalf, such as an invitation) is counted for the account only.
func (q Quota) Take(ctx context.Context, d *db.DB, kind string, account int64, address string, now time.Time) (bool, error) {
	key := ""
	if address != "" {
		sum := sha256.Sum256([]byte("tremplin-link-request:" + address))
		key = hex.EncodeToString(sum[:16])
	}
	since := db.FormatTime(now.Add(-q.Window))
	ok := false
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var toAccount, fromAddress int
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM link_requests WHERE kind = $1 AND account_id = $2 AND sent AND at > $4),
			(SELECT COUNT(*) FROM link_requests WHERE kind = $1 AND address_key = $3 AND $3 <> '' AND at > $4)`,
			kind, account, key, since).Scan(&toAccount, &fromAddress); err != nil {
			return err
		}
		ok = account != 0 && toAccount < q.PerAccount && fromAddress < q.PerAddress
		if _, err := tx.ExecContext(ctx, "DELETE FROM link_requests WHERE at < $1", db.FormatTime(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO link_requests (kind, account_id, address_key, sent, at) VALUES ($1, $2, $3, $4, $5)",
			kind, account, key, ok, db.FormatTime(now))
		return err
	})
	return ok && err == nil, err
}
