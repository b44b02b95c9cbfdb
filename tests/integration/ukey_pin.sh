#!/bin/bash
# UKEY PINs: wrong PIN on real SoftHSM2, change PIN, lockout through the
# pinlock shim (SoftHSM2 never locks) and unblock with the SO PIN.
. tests/lib.sh
. tests/fixtures/softhsm.sh
T=$TOOLS/ukey_tool
softhsm_setup "$TESTTMP/hsm"
S1=$(softhsm_add_token P1)
export RADESK_UKEY_MODULE=$SOFTHSM_MODULE

# --- real SoftHSM2 ---------------------------------------------------------------------
expect_rc 3 "wrong PIN: authentication failure (exit 3)" env RADESK_UKEY_PIN=wrong-pin-1 "$T" --token P1 login
like "$ERR" "auth: pin: wrong PIN" "a clear wrong-PIN message"
like "$($T list)" "serial=$S1 label=P1 .*count_low=1" "the token flags a low count after a wrong PIN"
expect_rc 0 "the right PIN logs in" env RADESK_UKEY_PIN="$SOFTHSM_USER_PIN" "$T" --token P1 login

expect_rc 1 "change-pin refuses a new PIN breaking the policy" \
	env RADESK_UKEY_PIN="$SOFTHSM_USER_PIN" RADESK_UKEY_NEW_PIN=111111 "$T" --token P1 change-pin
like "$ERR" "repeated" "the rule is named"
expect_rc 3 "change-pin with the wrong old PIN" \
	env RADESK_UKEY_PIN=wrong-pin-1 RADESK_UKEY_NEW_PIN=q8w7e6r5 "$T" --token P1 change-pin
expect_rc 0 "change-pin" env RADESK_UKEY_PIN="$SOFTHSM_USER_PIN" RADESK_UKEY_NEW_PIN=q8w7e6r5 "$T" --token P1 change-pin
expect_rc 3 "the old PIN no longer works" env RADESK_UKEY_PIN="$SOFTHSM_USER_PIN" "$T" --token P1 login
expect_rc 0 "the new PIN works" env RADESK_UKEY_PIN=q8w7e6r5 "$T" --token P1 login
check "pkcs11-tool agrees the new PIN works" env RADESK_UKEY_PIN=q8w7e6r5 \
	pkcs11-tool --module "$SOFTHSM_MODULE" --token-label P1 --login --pin env:RADESK_UKEY_PIN -O

# --- lockout through the shim ------------------------------------------------------------
export RADESK_UKEY_MODULE=$SHIMS/pinlock.so PINLOCK_MODULE=$SOFTHSM_MODULE PINLOCK_TRIES=3
export PINLOCK_STATE=$TESTTMP/pinlock
mkdir -p "$PINLOCK_STATE"
expect_rc 3 "1st wrong PIN" env RADESK_UKEY_PIN=bad-pin-1 "$T" --token P1 login
like "$ERR" "few tries remain" "the token reports few tries remain"
expect_rc 3 "2nd wrong PIN" env RADESK_UKEY_PIN=bad-pin-2 "$T" --token P1 login
like "$ERR" "one more wrong PIN locks" "final try announced"
like "$($T list)" "serial=$S1 .*final_try=1 locked=0" "list shows the final-try flag"
expect_rc 3 "3rd wrong PIN" env RADESK_UKEY_PIN=bad-pin-3 "$T" --token P1 login
like "$ERR" "now locked" "the PIN is reported locked"
expect_rc 3 "locked: even the right PIN is refused" env RADESK_UKEY_PIN=q8w7e6r5 "$T" --token P1 login
like "$ERR" "locked; it must be unblocked with the SO PIN" "a clear locked message"
like "$($T list)" "serial=$S1 .*locked=1" "list shows the token locked"
expect_rc 3 "change-pin is refused while locked" \
	env RADESK_UKEY_PIN=q8w7e6r5 RADESK_UKEY_NEW_PIN=z5x4c3v2 "$T" --token P1 change-pin

expect_rc 3 "unblock with a wrong SO PIN" \
	env RADESK_UKEY_SO_PIN=not-the-so-pin RADESK_UKEY_NEW_PIN=z5x4c3v2 "$T" --token P1 unblock
like "$ERR" "wrong SO PIN" "wrong SO PIN named"
expect_rc 1 "unblock refuses a new PIN breaking the policy" \
	env RADESK_UKEY_SO_PIN="$SOFTHSM_SO_PIN" RADESK_UKEY_NEW_PIN=abcdef "$T" --token P1 unblock
expect_rc 0 "unblock with the SO PIN" \
	env RADESK_UKEY_SO_PIN="$SOFTHSM_SO_PIN" RADESK_UKEY_NEW_PIN=z5x4c3v2 "$T" --token P1 unblock
like "$($T list)" "serial=$S1 .*count_low=0 final_try=0 locked=0" "the lock is cleared"
expect_rc 0 "the new PIN logs in after unblock" env RADESK_UKEY_PIN=z5x4c3v2 "$T" --token P1 login
expect_rc 3 "the PIN from before the lock is gone" env RADESK_UKEY_PIN=q8w7e6r5 "$T" --token P1 login

unlike "$(cat "$PINLOCK_STATE"/* 2>/dev/null)" "z5x4c3v2|q8w7e6r5" "the shim's state holds no PIN"
done_testing
