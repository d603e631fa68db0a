// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Regression tests of the fixes sub-series (kernel-patches/series/01-fixes),
 * run by `xesvm-kernel fixes-test` on Linux 7.3.4 with only that
 * sub-series applied, so that each fix is shown to work on its own. This
 * file is not part of the posted series: it is copied into
 * drivers/gpu/drm/tests/ for the run (see kernel-patches/README.md).
 *
 * - drm_pagemap_migrate_to_devmem() with an allocation whose ops leave the
 *   optional devmem_release hook NULL, failing before any page moved.
 * - drm_gpusvm_get_pages() on device-private pages the CPU maps read-only.
 */

#include <kunit/test.h>

#include <linux/fs.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_gpusvm.h>
#include <drm/drm_kunit_helpers.h>
#include <drm/drm_pagemap.h>

#define FIXES_TEST_VA	SZ_4G
#define FIXES_TEST_SIZE	SZ_64K
#define FIXES_TEST_NPAGES (FIXES_TEST_SIZE >> PAGE_SHIFT)

static const unsigned long fixes_test_chunk_sizes[] = { SZ_64K, SZ_4K };

/**
 * struct fixes_test - fixture
 * @drm: the mock DRM device
 * @mm: the test's mm
 * @pagemap: software device-private memory (no backing store: the tests
 *	     never read the data)
 * @dpagemap: the drm_pagemap on @pagemap
 * @res: the physical range claimed for @pagemap
 * @used: device pages handed out, from the first one on
 * @releases: devmem_release() calls
 * @gpusvm: a GPU SVM mirroring @mm
 * @lock: its driver lock
 */
struct fixes_test {
	struct drm_device *drm;
	struct mm_struct *mm;
	struct dev_pagemap pagemap;
	struct drm_pagemap dpagemap;
	struct resource *res;
	unsigned long used;
	unsigned int releases;
	struct drm_gpusvm gpusvm;
	struct mutex lock; /* the driver lock of gpusvm */
};

/* Container for the KUnit drm device helper. */
struct fixes_test_drm {
	struct drm_device drm;
};

/* drm_pagemap holds the module owning drm->driver->fops: give it one. */
static const struct file_operations fixes_test_fops = {
	.owner = THIS_MODULE,
};

static const struct drm_driver fixes_test_driver = {
	.name = "drm-gpusvm-fixes-test",
	.desc = "drm_gpusvm fixes KUnit test device",
	.fops = &fixes_test_fops,
};

struct fixes_test_range {
	struct drm_gpusvm_range base;
	struct drm_gpusvm_pages pages;
};

static struct fixes_test *devmem_to_test(struct drm_pagemap_devmem *devmem)
{
	return container_of(devmem->dpagemap, struct fixes_test, dpagemap);
}

static int fixes_test_populate_devmem_pfn(struct drm_pagemap_devmem *devmem,
					  unsigned long npages,
					  unsigned long *pfn)
{
	struct fixes_test *t = devmem_to_test(devmem);
	unsigned long i;

	for (i = 0; i < npages; i++)
		pfn[i] = PHYS_PFN(t->res->start) + t->used++;
	return 0;
}

static int fixes_test_copy(struct page **pages,
			   struct drm_pagemap_addr *pagemap_addr,
			   unsigned long npages,
			   struct dma_fence *pre_migrate_fence)
{
	return 0;
}

static void fixes_test_devmem_release(struct drm_pagemap_devmem *devmem)
{
	devmem_to_test(devmem)->releases++;
	kfree(devmem);
}

static const struct drm_pagemap_devmem_ops fixes_test_devmem_ops = {
	.devmem_release = fixes_test_devmem_release,
	.populate_devmem_pfn = fixes_test_populate_devmem_pfn,
	.copy_to_devmem = fixes_test_copy,
	.copy_to_ram = fixes_test_copy,
};

/* The same without the optional release hook. */
static const struct drm_pagemap_devmem_ops fixes_test_devmem_ops_no_release = {
	.populate_devmem_pfn = fixes_test_populate_devmem_pfn,
	.copy_to_devmem = fixes_test_copy,
	.copy_to_ram = fixes_test_copy,
};

static struct drm_pagemap_addr
fixes_test_device_map(struct drm_pagemap *dpagemap, struct device *dev,
		      struct page *page, unsigned int order,
		      enum dma_data_direction dir)
{
	return drm_pagemap_addr_encode(PFN_PHYS(page_to_pfn(page)),
				       DRM_INTERCONNECT_DRIVER, order, dir);
}

static void fixes_test_device_unmap(struct drm_pagemap *dpagemap,
				    struct device *dev,
				    const struct drm_pagemap_addr *addr)
{
}

/* Embedded in the fixture, which KUnit frees: nothing to free here. */
static void fixes_test_dpagemap_destroy(struct drm_pagemap *dpagemap,
					bool is_atomic_or_reclaim)
{
}

static const struct drm_pagemap_ops fixes_test_dpagemap_ops = {
	.device_map = fixes_test_device_map,
	.device_unmap = fixes_test_device_unmap,
	.destroy = fixes_test_dpagemap_destroy,
};

static struct drm_gpusvm_range *fixes_test_range_alloc(struct drm_gpusvm *gpusvm)
{
	struct fixes_test *t = container_of(gpusvm, struct fixes_test, gpusvm);
	struct fixes_test_range *r = kzalloc_obj(*r);

	if (!r)
		return NULL;
	drm_gpusvm_init_pages(&r->pages, t->drm);
	return &r->base;
}

static void fixes_test_range_free(struct drm_gpusvm_range *range)
{
	struct fixes_test_range *r = container_of(range, struct fixes_test_range,
						  base);

	drm_gpusvm_free_pages(range->gpusvm, &r->pages, FIXES_TEST_NPAGES);
	kfree(r);
}

static void fixes_test_invalidate(struct drm_gpusvm *gpusvm,
				  struct drm_gpusvm_notifier *notifier,
				  const struct mmu_notifier_range *mmu_range)
{
	struct drm_gpusvm_ctx ctx = { .in_notifier = true };
	struct drm_gpusvm_range *range = NULL;

	drm_gpusvm_for_each_range(range, notifier, mmu_range->start,
				  mmu_range->end) {
		struct fixes_test_range *r =
			container_of(range, struct fixes_test_range, base);

		drm_gpusvm_unmap_pages(gpusvm, &r->pages, FIXES_TEST_NPAGES,
				       &ctx);
		if (mmu_range->event == MMU_NOTIFY_UNMAP)
			drm_gpusvm_range_set_unmapped(range, &r->pages, 1,
						      mmu_range);
	}
}

static const struct drm_gpusvm_ops fixes_test_gpusvm_ops = {
	.range_alloc = fixes_test_range_alloc,
	.range_free = fixes_test_range_free,
	.invalidate = fixes_test_invalidate,
};

static void fixes_test_fini(void *data)
{
	struct fixes_test *t = data;

	drm_pagemap_put(&t->dpagemap);
	if (t->pagemap.type)
		memunmap_pages(&t->pagemap);
	if (t->res)
		release_mem_region(t->res->start, resource_size(t->res));
}

static int fixes_test_init(struct kunit *test)
{
	struct fixes_test_drm *tdrm;
	struct fixes_test *t;
	struct device *dev;
	void *addr;
	int err;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	test->priv = t;
	mutex_init(&t->lock);

	dev = drm_kunit_helper_alloc_device(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	tdrm = drm_kunit_helper_alloc_drm_device_with_driver(test, dev,
							     struct fixes_test_drm,
							     drm,
							     &fixes_test_driver);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tdrm);
	t->drm = &tdrm->drm;

	t->res = request_free_mem_region(&iomem_resource, SZ_2M,
					 "drm-gpusvm-fixes-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->res));
	err = kunit_add_action_or_reset(test, fixes_test_fini, t);
	KUNIT_ASSERT_EQ(test, err, 0);

	t->pagemap.type = MEMORY_DEVICE_PRIVATE;
	t->pagemap.range.start = t->res->start;
	t->pagemap.range.end = t->res->end;
	t->pagemap.nr_range = 1;
	t->pagemap.ops = drm_pagemap_pagemap_ops_get();
	t->pagemap.owner = t;
	addr = memremap_pages(&t->pagemap, numa_node_id());
	if (IS_ERR(addr))
		t->pagemap.type = 0;
	KUNIT_ASSERT_FALSE(test, IS_ERR(addr));
	err = drm_pagemap_init(&t->dpagemap, &t->pagemap, t->drm,
			       &fixes_test_dpagemap_ops);
	KUNIT_ASSERT_EQ(test, err, 0);

	err = kunit_attach_mm();
	KUNIT_ASSERT_EQ(test, err, 0);
	t->mm = current->mm;

	return 0;
}

static struct drm_pagemap_devmem *
fixes_test_devmem(struct kunit *test, const struct drm_pagemap_devmem_ops *ops)
{
	struct fixes_test *t = test->priv;
	struct drm_pagemap_devmem *devmem = kzalloc_obj(*devmem);

	KUNIT_ASSERT_NOT_NULL(test, devmem);
	drm_pagemap_devmem_init(devmem, t->drm->dev, t->mm, ops, &t->dpagemap,
				FIXES_TEST_SIZE, NULL);
	return devmem;
}

/*
 * A migration that fails before any device page is populated from the
 * allocation consumes the caller's reference through devmem_release(),
 * which the ops may leave NULL: then the allocation stays the caller's.
 */
static void drm_pagemap_fixes_test_release_optional(struct kunit *test)
{
	struct fixes_test *t = test->priv;
	struct drm_pagemap_migrate_details details = {};
	struct drm_pagemap_devmem *devmem;
	int err;

	/* Nothing is mapped at FIXES_TEST_VA: -ENOENT, hook called once. */
	devmem = fixes_test_devmem(test, &fixes_test_devmem_ops);
	mmap_read_lock(t->mm);
	err = drm_pagemap_migrate_to_devmem(devmem, t->mm, FIXES_TEST_VA,
					    FIXES_TEST_VA + FIXES_TEST_SIZE,
					    &details);
	mmap_read_unlock(t->mm);
	KUNIT_EXPECT_EQ(test, err, -ENOENT);
	KUNIT_EXPECT_EQ(test, t->releases, 1);

	/* Without the hook: the same error, and no call through NULL. */
	devmem = fixes_test_devmem(test, &fixes_test_devmem_ops_no_release);
	mmap_read_lock(t->mm);
	err = drm_pagemap_migrate_to_devmem(devmem, t->mm, FIXES_TEST_VA,
					    FIXES_TEST_VA + FIXES_TEST_SIZE,
					    &details);
	mmap_read_unlock(t->mm);
	KUNIT_EXPECT_EQ(test, err, -ENOENT);
	KUNIT_EXPECT_EQ(test, t->releases, 1);
	kfree(devmem);
}

/*
 * Device-private pages that the CPU maps read-only (here: migrated from a
 * read-only mapping, as copy-on-write after fork() also leaves them) must
 * not be mapped for a device that wants to write: drm_gpusvm_get_pages()
 * fails with -EOPNOTSUPP, which drivers answer by evicting the range. A
 * read-only context still gets the device pages. (The range is created
 * with a read-only context: for a writing one, find_or_insert() checks the
 * VMA's permission itself; get_pages() is where the pages' own permission
 * was missed, as for a range created before the CPU mapping became
 * read-only or shared.)
 */
static void drm_gpusvm_fixes_test_read_only_devmem(struct kunit *test)
{
	struct fixes_test *t = test->priv;
	struct drm_gpusvm_ctx wctx = {
		.device_private_page_owner = t,
		.devmem_possible = true,
	};
	struct drm_gpusvm_ctx rctx = {
		.device_private_page_owner = t,
		.devmem_possible = true,
		.read_only = true,
	};
	struct drm_pagemap_migrate_details details = {};
	struct drm_gpusvm_range *range;
	struct fixes_test_range *r;
	unsigned long addr;
	int err;

	addr = vm_mmap(NULL, FIXES_TEST_VA, FIXES_TEST_SIZE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0);
	KUNIT_ASSERT_EQ(test, addr, (unsigned long)FIXES_TEST_VA);

	mmap_read_lock(t->mm);
	err = drm_pagemap_migrate_to_devmem(fixes_test_devmem(test,
							      &fixes_test_devmem_ops),
					    t->mm, addr, addr + FIXES_TEST_SIZE,
					    &details);
	mmap_read_unlock(t->mm);
	KUNIT_ASSERT_EQ(test, err, 0);

	err = drm_gpusvm_init(&t->gpusvm, "drm-gpusvm-fixes-test", t->mm, 0,
			      TASK_SIZE, SZ_2M, &fixes_test_gpusvm_ops,
			      fixes_test_chunk_sizes,
			      ARRAY_SIZE(fixes_test_chunk_sizes));
	KUNIT_ASSERT_EQ(test, err, 0);
	drm_gpusvm_driver_set_lock(&t->gpusvm, &t->lock);

	/* A writing context may not even create a range in a read-only VMA. */
	mutex_lock(&t->lock);
	range = drm_gpusvm_range_find_or_insert(&t->gpusvm, addr, 0, TASK_SIZE,
						&wctx);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(range), -EPERM);
	range = drm_gpusvm_range_find_or_insert(&t->gpusvm, addr, 0, TASK_SIZE,
						&rctx);
	mutex_unlock(&t->lock);
	KUNIT_ASSERT_FALSE(test, IS_ERR(range));
	r = container_of(range, struct fixes_test_range, base);

	err = drm_gpusvm_get_pages(&t->gpusvm, &r->pages, t->mm,
				   &range->notifier->notifier, addr,
				   addr + FIXES_TEST_SIZE, &wctx);
	KUNIT_EXPECT_EQ(test, err, -EOPNOTSUPP);
	KUNIT_EXPECT_FALSE(test, r->pages.flags.has_devmem_pages);

	err = drm_gpusvm_get_pages(&t->gpusvm, &r->pages, t->mm,
				   &range->notifier->notifier, addr,
				   addr + FIXES_TEST_SIZE, &rctx);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, r->pages.flags.has_devmem_pages);

	mutex_lock(&t->lock);
	drm_gpusvm_unmap_pages(&t->gpusvm, &r->pages, FIXES_TEST_NPAGES,
			       &(struct drm_gpusvm_ctx){});
	drm_gpusvm_range_remove(&t->gpusvm, range);
	drm_gpusvm_fini(&t->gpusvm);
	mutex_unlock(&t->lock);
	/* Frees the device pages, and so the allocation. */
	KUNIT_EXPECT_EQ(test, vm_munmap(addr, FIXES_TEST_SIZE), 0);
}

static struct kunit_case drm_gpusvm_fixes_tests[] = {
	KUNIT_CASE(drm_pagemap_fixes_test_release_optional),
	KUNIT_CASE(drm_gpusvm_fixes_test_read_only_devmem),
	{}
};

static struct kunit_suite drm_gpusvm_fixes_suite = {
	.name = "drm_gpusvm_fixes",
	.init = fixes_test_init,
	.test_cases = drm_gpusvm_fixes_tests,
};

kunit_test_suite(drm_gpusvm_fixes_suite);

MODULE_DESCRIPTION("Regression tests of the xesvm fixes sub-series");
MODULE_LICENSE("GPL");
