package privacy_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/privacy"
)

// Every table the migrations make belongs to one activity of the register,
// and the register names no table that is not there (the job queue's aside,
// whose tables differ between its versions): a new kind of data cannot come
// in without saying why it is kept, who receives it and for how long.
func TestEveryTableIsInTheRegisterOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tables, err := privacy.Tables(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) < 50 {
			t.Fatalf("only %d tables read from the schema", len(tables))
		}
		if u := privacy.Undeclared(tables); len(u) > 0 {
			t.Errorf("tables in no activity of the register: %s", strings.Join(u, ", "))
		}
		seen := map[string]string{}
		for _, p := range privacy.Register {
			for _, table := range p.Tables {
				if other, dup := seen[table]; dup {
					t.Errorf("%s is in %s and %s", table, other, p.Key)
				}
				seen[table] = p.Key
				if !slices.Contains(tables, table) && !strings.HasPrefix(table, "river_") {
					t.Errorf("%s declares %s, which the schema does not have", p.Key, table)
				}
			}
		}
	})
}
