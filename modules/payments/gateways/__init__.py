"""The interface every online gateway implements (Payme, Click, Uzum): account lookup, amount
check, create, perform, cancel and statement, plus its checkout link. A new gateway (Paynet, Octo)
is one module implementing `Gateway`, added to `registry.GATEWAYS`, with its own endpoint file."""
