package privacy

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// reachedThrough are the tables that hold a person's data without a
// learner_id column, with the condition that finds their rows ($1 is the
// learner's id).
var reachedThrough = map[string]string{
	"positioning_test_answers": "test_id IN (SELECT id FROM positioning_tests WHERE learner_id = $1)",
	"positioning_test_scores":  "test_id IN (SELECT id FROM positioning_tests WHERE learner_id = $1)",
	"referral_events":          "person_id IN (SELECT id FROM referral_people WHERE learner_id = $1)",
	"referral_notes":           "person_id IN (SELECT id FROM referral_people WHERE learner_id = $1)",
}

// secretColumns are never exported: the tokens of links, which work as keys.
var secretColumns = []string{"token", "token_hash", "link_hash", "word_key", "first_key", "last_key"}

// AccessExport writes, as JSON, everything Tremplin holds about a learner:
// every row of every table of the register's activities that refers to them
// (by a learner_id column, or through another table), the audit of who read
// and changed their file included, table by table, column by column, as
// stored. Link tokens are left out. Found from the schema, it follows the
// tables as they are added (the register's test makes each one declared).
func AccessExport(ctx context.Context, d *db.DB, learnerID int64, w io.Writer) error {
	tables, err := Tables(ctx, d)
	if err != nil {
		return err
	}
	out := struct {
		Learner   int64                       `json:"learner_id"`
		Generated string                      `json:"generated_at"`
		Tables    map[string][]map[string]any `json:"tables"`
	}{learnerID, time.Now().UTC().Format(time.RFC3339), map[string][]map[string]any{}}
	for _, p := range Register {
		if p.Key == "technical" || p.Key == "reference" {
			continue
		}
		for _, t := range p.Tables {
			if !slices.Contains(tables, t) {
				continue
			}
			cols, err := Columns(ctx, d, t)
			if err != nil {
				return err
			}
			where := reachedThrough[t]
			switch {
			case t == "learners":
				where = "id = $1"
			case where == "" && slices.Contains(cols, "learner_id"):
				where = "learner_id = $1"
			case where == "":
				continue
			}
			var keep []string
			for _, c := range cols {
				if !slices.Contains(secretColumns, c) {
					keep = append(keep, c)
				}
			}
			rows, err := rowsOf(ctx, d, t, keep, where, learnerID)
			if err != nil {
				return err
			}
			if len(rows) > 0 {
				out.Tables[t] = rows
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}

func rowsOf(ctx context.Context, d *db.DB, table string, cols []string, where string, id int64) ([]map[string]any, error) {
	list := ""
	for i, c := range cols {
		if i > 0 {
			list += ", "
		}
		list += c
	}
	rows, err := d.QueryContext(ctx, "SELECT "+list+" FROM "+table+" WHERE "+where, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := map[string]any{}
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				row[c] = string(b)
			} else {
				row[c] = vals[i]
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// AccessJSON downloads everything held about a learner of the viewer's
// antennas: GET /learners/{id}/access.json.
func (h *Handlers) AccessJSON(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	args := db.Args{id}
	var one int
	err := h.DB.QueryRowContext(ctx, "SELECT 1 FROM learners WHERE id = $1 AND "+auth.Current(ctx).Scope().Where("antenna_id", &args),
		args...).Scan(&one)
	if err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return
	}
	web.Attach(w, "application/json; charset=utf-8", "donnees-"+strconv.FormatInt(id, 10)+".json")
	if err := AccessExport(ctx, h.DB, id, w); err != nil {
		h.Log.ErrorContext(ctx, "access export", "learner_id", id, "err", err)
	}
}
