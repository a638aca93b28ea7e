package demo_test

import (
	"context"
	"io"
	"testing"

	"tremplin/internal/demo"
	"tremplin/internal/opendata"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// The generated association has what the open-data files need (its identity,
// each place's SIRET, address and hours), so that they are measured at scale:
// every place in France is published, those abroad are left out.
func TestGeneratedPlacesArePublished(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := demo.Generate(ctx, d, demo.GenerateOptions{Learners: 300, Antennas: 25, Out: io.Discard}); err != nil {
			t.Fatal(err)
		}
		ds, err := opendata.Build(ctx, d, "https://tremplin.example")
		if err != nil {
			t.Fatal(err)
		}
		// 25 antennas of 2 places, the 25th in Malawi.
		if len(ds.Lieux) != 48 || len(ds.LeftOut) != 2 || len(ds.Structures) == 0 || len(ds.Services) == 0 {
			t.Errorf("%d places published, %d left out (%+v), %d structures, %d services",
				len(ds.Lieux), len(ds.LeftOut), ds.LeftOut, len(ds.Structures), len(ds.Services))
		}
		var contacts int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM partner_contacts").Scan(&contacts); err != nil || contacts == 0 {
			t.Errorf("%d partner contacts, %v", contacts, err)
		}
	})
}
