from comptoir.sales.services import opportunity_create, pipeline_create


def make_pipeline(actor, *, name="Véhicules neufs", prefix="VN", requires_quote=False,
                  stages=("Nouveau", "Essai", "Cotation", "Négociation")):
    return pipeline_create(actor=actor, name=name, prefix=prefix, requires_quote=requires_quote, stages=list(stages))


def make_opportunity(actor, customer, pipeline, **values):
    return opportunity_create(actor=actor, customer=customer.pk, pipeline=pipeline.pk, **values)
