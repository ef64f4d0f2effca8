def test_dbg(e2e_world, live_server):
    from zhunong.regions.models import Region

    print("COUNT1", Region.objects.count())


def test_dbg2(transactional_db, django_db_serialized_rollback, live_server):
    from zhunong.regions.models import Region

    print("COUNT2", Region.objects.count())
