/* cls_fixture.h - the classify unit tests' group fixture: one classifier (its
 * Vectorscan databases compiled once) for every test of a file, as g_cls.
 * Included once by each test file, after cmocka.h and classify/classify.h. */
#ifndef CW_TEST_CLS_FIXTURE_H
#define CW_TEST_CLS_FIXTURE_H

static cw_classifier *g_cls;

static int setup(void **state)
{
    (void)state;
    char err[256];
    g_cls = cw_classifier_new(err, sizeof err);
    return g_cls ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    cw_classifier_free(g_cls);
    return 0;
}

#endif
