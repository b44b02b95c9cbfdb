/* The field table of an application: the one list from which forms on
 * screen, the JSON import and the printed acceptance form are derived. */
#include "forms/internal.h"

#include <stddef.h>
#include <string.h>

#define U RD_REQ_UNUSED
#define O RD_REQ_OPTIONAL
#define R RD_REQ_REQUIRED
#define G RD_REQ_GROUP
#define AT(member) offsetof(rd_application, member), sizeof(((rd_application *)0)->member)

struct row {
	rd_field f; /* first: a row pointer is a field pointer */
	size_t off, size;
};

/* id, path, group, key, label, label_zh, {none, individual, organization},
 * max_chars, type, check, help */
static const struct row rows[RD_F_COUNT] = {
	{{RD_F_KIND, "kind", NULL, "kind", N_("Application kind"), "申请类型", {R, R, R}, 12,
	  RD_FT_ENUM, RD_CHECK_KIND,
	  N_("individual: the certificate is for a person; organization: for an organization")},
	 AT(kind)},
	{{RD_F_PRODUCT, "product", NULL, "product", N_("Product"), "证书产品", {R, R, R},
	  RD_SLUG_MAX_CHARS, RD_FT_TEXT, RD_CHECK_PRODUCT,
	  N_("the certificate product, from the service point's product list")},
	 AT(product)},
	{{RD_F_YEARS, "years", NULL, "years", N_("Validity in years"), "有效期(年)", {R, R, R}, 2,
	  RD_FT_INT, RD_CHECK_YEARS, N_("from 1 to the product's maximum")},
	 AT(years)},
	{{RD_F_USERNAME, "username", NULL, "username", N_("User name"), "用户名", {R, R, R},
	  RD_USERNAME_MAX_CHARS, RD_FT_TEXT, RD_CHECK_USERNAME,
	  N_("1 to 12 letters or digits, unique across the service point")},
	 AT(username)},

	{{RD_F_SUBJECT_NAME, "subject.name", "subject", "name", N_("Subscriber name"), "订户姓名",
	  {O, R, U}, RD_NAME_MAX_CHARS, RD_FT_TEXT, RD_CHECK_NAME,
	  N_("the name exactly as on the identity document")},
	 AT(subject.name)},
	{{RD_F_SUBJECT_ID_TYPE, "subject.id_type", "subject", "id_type", N_("Subscriber ID type"),
	  "订户证件类型", {O, R, U}, 32, RD_FT_ENUM, RD_CHECK_ID_TYPE,
	  N_("resident_id, passport, hk_macau_permit, taiwan_permit or foreign_permanent_resident")},
	 AT(subject.id_type)},
	{{RD_F_SUBJECT_ID_NUMBER, "subject.id_number", "subject", "id_number",
	  N_("Subscriber ID number"), "订户证件号码", {O, R, U}, RD_ID_NUMBER_MAX_CHARS, RD_FT_TEXT,
	  RD_CHECK_ID_NUMBER, N_("the number of the identity document; a resident ID has 18 characters")},
	 AT(subject.id_number)},
	{{RD_F_SUBJECT_MOBILE, "subject.mobile", "subject", "mobile", N_("Subscriber mobile"),
	  "订户手机", {O, R, U}, 11, RD_FT_TEXT, RD_CHECK_MOBILE,
	  N_("11 digits, for status messages")},
	 AT(subject.mobile)},
	{{RD_F_SUBJECT_EMAIL, "subject.email", "subject", "email", N_("Subscriber email"),
	  "订户电子邮箱", {O, R, U}, RD_EMAIL_MAX_CHARS, RD_FT_TEXT, RD_CHECK_EMAIL,
	  N_("for the e-invoice and notices")},
	 AT(subject.email)},

	{{RD_F_ORG_NAME, "organization.name", "organization", "name", N_("Organization name"),
	  "单位名称", {O, U, R}, RD_NAME_MAX_CHARS, RD_FT_TEXT, RD_CHECK_NAME,
	  N_("the registered name, character for character as on the business licence")},
	 AT(organization.name)},
	{{RD_F_ORG_USCC, "organization.uscc", "organization", "uscc",
	  N_("Unified social credit code"), "统一社会信用代码", {O, U, R}, 18, RD_FT_TEXT,
	  RD_CHECK_USCC, N_("18 characters, as on the business licence")},
	 AT(organization.uscc)},
	{{RD_F_ORG_ADDRESS, "organization.address", "organization", "address",
	  N_("Organization address"), "单位地址", {O, U, R}, RD_ADDRESS_MAX_CHARS, RD_FT_TEXT,
	  RD_CHECK_ADDRESS, N_("the registered address")},
	 AT(organization.address)},
	{{RD_F_ORG_LEGAL_REP, "organization.legal_rep", "organization", "legal_rep",
	  N_("Legal representative"), "法定代表人", {O, U, R}, RD_NAME_MAX_CHARS, RD_FT_TEXT,
	  RD_CHECK_NAME, N_("as on the business licence")},
	 AT(organization.legal_rep)},

	{{RD_F_AGENT_NAME, "agent.name", "agent", "name", N_("Agent name"), "经办人姓名", {O, G, R},
	  RD_NAME_MAX_CHARS, RD_FT_TEXT, RD_CHECK_NAME,
	  N_("the person who applies on the subscriber's behalf")},
	 AT(agent.name)},
	{{RD_F_AGENT_ID_TYPE, "agent.id_type", "agent", "id_type", N_("Agent ID type"),
	  "经办人证件类型", {O, G, R}, 32, RD_FT_ENUM, RD_CHECK_ID_TYPE,
	  N_("resident_id, passport, hk_macau_permit, taiwan_permit or foreign_permanent_resident")},
	 AT(agent.id_type)},
	{{RD_F_AGENT_ID_NUMBER, "agent.id_number", "agent", "id_number", N_("Agent ID number"),
	  "经办人证件号码", {O, G, R}, RD_ID_NUMBER_MAX_CHARS, RD_FT_TEXT, RD_CHECK_ID_NUMBER,
	  N_("the number of the agent's identity document")},
	 AT(agent.id_number)},
	{{RD_F_AGENT_MOBILE, "agent.mobile", "agent", "mobile", N_("Agent mobile"), "经办人手机",
	  {O, G, R}, 11, RD_FT_TEXT, RD_CHECK_MOBILE, N_("11 digits, for status messages")},
	 AT(agent.mobile)},
	{{RD_F_AGENT_EMAIL, "agent.email", "agent", "email", N_("Agent email"), "经办人电子邮箱",
	  {O, G, R}, RD_EMAIL_MAX_CHARS, RD_FT_TEXT, RD_CHECK_EMAIL,
	  N_("for the e-invoice and notices")},
	 AT(agent.email)},

	{{RD_F_VERIFY_QUESTION, "verification.question", "verification", "question",
	  N_("Verification question"), "验证问题", {R, R, R}, RD_QUESTION_MAX_CHARS, RD_FT_TEXT,
	  RD_CHECK_TEXT, N_("asked again before a renewal")},
	 AT(verification.question)},
	{{RD_F_VERIFY_ANSWER, "verification.answer", "verification", "answer",
	  N_("Verification answer"), "验证答案", {R, R, R}, RD_ANSWER_MAX_CHARS, RD_FT_SECRET,
	  RD_CHECK_TEXT, N_("kept only as a hash and never shown again")},
	 AT(verification.answer)},
	{{RD_F_AGREEMENT_VERSION, "agreement_version", NULL, "agreement_version",
	  N_("Agreement version"), "协议版本", {R, R, R}, RD_SLUG_MAX_CHARS, RD_FT_TEXT,
	  RD_CHECK_SLUG, N_("the version of the subscriber agreement the applicant accepted")},
	 AT(agreement_version)},
};

const rd_field *rd_field_next(const rd_field *prev)
{
	const struct row *r;
	if (!prev)
		return &rows[0].f;
	r = (const struct row *)prev;
	if (r < rows || r + 1 >= rows + RD_F_COUNT)
		return NULL;
	return &r[1].f;
}

const rd_field *rd_field_get(rd_field_id id)
{
	if ((int)id < 0 || id >= RD_F_COUNT)
		return NULL;
	return &rows[id].f;
}

const rd_field *rd_field_by_path(const char *path)
{
	for (size_t i = 0; path && i < RD_F_COUNT; i++)
		if (!strcmp(rows[i].f.path, path))
			return &rows[i].f;
	return NULL;
}

size_t rd_field_count(void)
{
	return RD_F_COUNT;
}

void *rd__field_ptr(rd_application *a, rd_field_id id, size_t *size)
{
	*size = rows[id].size;
	return (char *)a + rows[id].off;
}

const void *rd__field_cptr(const rd_application *a, rd_field_id id, size_t *size)
{
	*size = rows[id].size;
	return (const char *)a + rows[id].off;
}
