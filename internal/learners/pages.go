package learners

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Lists of people a page at a time (the inbox, the learners list) walk an index in
// its order and stop after the page: for staff of a few antennas, one walk per
// antenna (an index led by the antenna), merged; for a national admin, or staff of
// many antennas, one walk of an association-wide index. The next page starts
// after the last row shown (a keyset: its time and id), so a late page costs what
// the first does.

// walkAntennas is how many antennas a person may see for the lists to walk each
// antenna's own index; above it, the association-wide index is walked and
// filtered by antenna.
const walkAntennas = 8

// openCond is the inbox's condition, written as the partial indexes of migration
// 0028 are, so that both planners use them (keep it in step with OpenStatuses).
const openCond = "l.merged_into IS NULL AND l.status IN ('received', 'contacted', 'positioned', 'waitlisted', 'offered')"

// Cursor is where a page starts: after (or before, newest first) this row.
type Cursor struct {
	At string // created_at as stored
	ID int64
}

// String is the cursor as a URL parameter: "2026-12-02T09:30:00Z_123".
func (c Cursor) String() string {
	if c.ID == 0 {
		return ""
	}
	return c.At + "_" + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor from a URL; the zero cursor (the first page) for
// anything else.
func ParseCursor(s string) Cursor {
	at, id, ok := strings.Cut(s, "_")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || db.ParseTime(at).IsZero() {
		return Cursor{}
	}
	return Cursor{At: at, ID: n}
}

// walker builds the query of one page: conditions on learners l with their
// arguments ($1… in order of addition).
type walker struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (w *walker) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *walker) where(format string, args ...any) {
	ph := make([]any, len(args))
	for i, a := range args {
		ph[i] = w.arg(a)
	}
	w.conds = append(w.conds, fmt.Sprintf(format, ph...))
}

// after restricts to the rows after c in the order (created_at, id), ascending
// or descending. The first term is a range on the index; the second drops the
// rows of the same second already shown.
func (w *walker) after(c Cursor, desc bool) {
	if c.ID == 0 {
		return
	}
	if desc {
		w.where("l.created_at <= %s AND (l.created_at < %s OR l.id < %s)", c.At, c.At, c.ID)
	} else {
		w.where("l.created_at >= %s AND (l.created_at > %s OR l.id > %s)", c.At, c.At, c.ID)
	}
}

// scopeAntennas is the antennas a person's lists cover: nil and all for a national
// admin, else theirs (none: nothing to list).
func scopeAntennas(ctx context.Context, d *db.DB, sc auth.Scope) (ids []int64, all bool, err error) {
	if sc.All {
		return nil, true, nil
	}
	ids, err = auth.AntennasOf(ctx, d, sc.StaffID)
	return ids, false, err
}

// pageIDs returns the query of the ids of one page, ordered by (created_at, id)
// (descending when desc), at most limit: antennas are the antennas to cover (nil
// with all for every one). Antenna ids are ours and inlined, so that PostgreSQL
// plans each walk for its antenna.
func (w *walker) pageIDs(antennas []int64, all, desc bool, limit int) string {
	order := "l.created_at, l.id"
	if desc {
		order = "l.created_at DESC, l.id DESC"
	}
	cond := strings.Join(append([]string{"1 = 1"}, w.conds...), " AND ")
	walk := func(extra string) string {
		return fmt.Sprintf("SELECT w.id FROM (SELECT l.id FROM learners l WHERE %s%s ORDER BY %s LIMIT %d) w", extra, cond, order, limit)
	}
	if all {
		return walk("")
	}
	ids := make([]string, len(antennas))
	for i, id := range antennas {
		ids[i] = strconv.FormatInt(id, 10)
	}
	if len(antennas) > walkAntennas {
		return walk("l.antenna_id IN (" + strings.Join(ids, ", ") + ") AND ")
	}
	walks := make([]string, len(ids))
	for i, id := range ids {
		walks[i] = walk("l.antenna_id = " + id + " AND ")
	}
	return strings.Join(walks, " UNION ALL ")
}

// paged is a row of a page: a file (*Learner), or a file with more (*InboxItem).
type paged interface{ cursor() Cursor }

// cursor is where the page after this file starts.
func (l *Learner) cursor() Cursor { return Cursor{At: db.FormatTime(l.CreatedAt), ID: l.ID} }

// walkPage loads the files of one page of w with extra columns, scanned by scan,
// in the page's order: at most limit, and the cursor of the next page (zero on
// the last).
func walkPage[T paged](ctx context.Context, d *db.DB, w *walker, antennas []int64, all, desc bool, limit int, extra string,
	scan func(db.Scanner) (T, error)) ([]T, Cursor, error) {
	if !all && len(antennas) == 0 {
		return nil, Cursor{}, nil
	}
	order := "l.created_at, l.id"
	if desc {
		order = "l.created_at DESC, l.id DESC"
	}
	// One row more than the page tells whether another page follows.
	rows, err := d.QueryContext(ctx, "SELECT "+Columns+extra+learnerFrom+" WHERE l.id IN ("+
		w.pageIDs(antennas, all, desc, limit+1)+") ORDER BY "+order+fmt.Sprintf(" LIMIT %d", limit+1), w.args...)
	list, err := db.Collect[T](rows, err)(scan)
	if err != nil || len(list) <= limit {
		return list, Cursor{}, err
	}
	return list[:limit], list[limit-1].cursor(), nil
}
