"""`salesops credit_stranded_prepayments`: credit the unused prepayments of orders closed before decision 0016."""

from django.core.management.base import BaseCommand

from salesops.orders.prepayment_actions import credit_stranded_prepayments


class Command(BaseCommand):
    help = "Move the unused prepayment of every order that can bill nothing more to its customer's credit (once)."

    def handle(self, *args, **options):
        credited = credit_stranded_prepayments()
        for number, amount in credited:
            self.stdout.write(f"{number}: {amount} CNY credited")
        self.stdout.write(f"{len(credited)} orders credited.")
