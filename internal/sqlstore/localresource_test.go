package sqlstore_test

import (
	"bytes"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestLocalResourceForms: the manager adds a procedure with its form and a
// clinic without; staff read the directory and download the form as it
// was kept; bad input and an assistant's entry store nothing; another
// project's form answers not found.
func TestLocalResourceForms(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		ls := sqlstore.NewLocalResourceService(db)
		pid := w.f.ProjectA.ID
		mgr, as := w.f.Ctx(w.manager), w.f.Ctx(w.eastAsst)
		form := &wubu.LocalResourceFile{Name: `C:\forms\居住证申请表.pdf`, ContentType: "application/pdf", Data: []byte("%PDF-1.4 form")}
		mustCode(t, ls.AddLocalResource(mgr, &wubu.LocalResource{ProjectID: pid, Kind: "bank", Name: "银行"}, nil), wubu.EINVALID)
		mustCode(t, ls.AddLocalResource(mgr, &wubu.LocalResource{ProjectID: pid, Kind: "procedure", Name: " "}, form), wubu.EINVALID)
		mustCode(t, ls.AddLocalResource(mgr, &wubu.LocalResource{ProjectID: pid, Kind: "procedure", Name: "居住证"}, &wubu.LocalResourceFile{Name: "x.pdf"}), wubu.EINVALID)
		mustCode(t, ls.AddLocalResource(as, &wubu.LocalResource{ProjectID: pid, Kind: "clinic", Name: "卫生站"}, nil), wubu.EFORBIDDEN)
		permit := &wubu.LocalResource{ProjectID: pid, Kind: "procedure", Name: "居住证办理", Address: "街道政务服务中心", Note: "带身份证、租赁合同"}
		if err := ls.AddLocalResource(mgr, permit, form); err != nil {
			t.Fatal(err)
		}
		if err := ls.AddLocalResource(mgr, &wubu.LocalResource{ProjectID: pid, Kind: "clinic", Name: "社区卫生服务站", Phone: "010-66668888"}, nil); err != nil {
			t.Fatal(err)
		}
		list, err := ls.FindLocalResources(as, pid)
		if err != nil || len(list) != 2 || list[1].FileName != "居住证申请表.pdf" || list[1].FileSize != len(form.Data) || list[0].FileName != "" {
			t.Fatalf("directory: %+v, %v", list, err)
		}
		f, err := ls.LocalResourceForm(as, permit.ID)
		if err != nil || !bytes.Equal(f.Data, form.Data) || f.ContentType != "application/pdf" {
			t.Fatalf("form: %+v, %v", f, err)
		}
		if _, err := ls.LocalResourceForm(as, list[0].ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("an entry without a form: %v", err)
		}
		other := w.f.User(t, "b_staff", wubu.RoleStaff, wubu.PostService, w.f.ProjectB)
		if _, err := ls.LocalResourceForm(w.f.Ctx(other), permit.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's form: %v", err)
		}
	})
}
