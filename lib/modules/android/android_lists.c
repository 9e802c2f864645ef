#include <stddef.h>

#include "modules/android/android_lists.h"

/* Rooting, root-hiding and hooking tools. */
const char *const th_android_root_packages[] = {
        "com.topjohnwu.magisk",
        "eu.chainfire.supersu",
        "eu.chainfire.supersu.pro",
        "com.noshufou.android.su",
        "com.noshufou.android.su.elite",
        "com.koushikdutta.superuser",
        "com.koushikdutta.rommanager",
        "com.koushikdutta.rommanager.license",
        "com.thirdparty.superuser",
        "com.yellowes.su",
        "com.kingroot.kinguser",
        "com.kingo.root",
        "com.kingouser.com",
        "com.smedialink.oneclickroot",
        "com.zhiqupk.root.global",
        "com.alephzain.framaroot",
        "com.dimonvideo.luckypatcher",
        "com.chelpus.lackypatch",
        "com.ramdroid.appquarantine",
        "com.ramdroid.appquarantinepro",
        "com.devadvance.rootcloak",
        "com.devadvance.rootcloakplus",
        "de.robv.android.xposed.installer",
        "org.lsposed.manager",
        "com.saurik.substrate",
        "com.zachspong.temprootremovejb",
        "com.amphoras.hidemyroot",
        "com.amphoras.hidemyrootadfree",
        "com.formyhm.hiderootPremium",
        "com.formyhm.hideroot",
        "me.phh.superuser",
        "me.weishu.kernelsu",
        NULL,
};

/* Vendor security agents: disabling them blinds the device. */
const char *const th_android_security_packages[] = {
        "com.policydm",
        "com.samsung.android.app.omcagent",
        "com.samsung.android.securitylogagent",
        "com.sec.android.soagent",
        NULL,
};

/* System update agents: disabling them keeps a device vulnerable. */
const char *const th_android_update_packages[] = {
        "com.android.updater",
        "com.google.android.gms",
        "com.huawei.android.hwouc",
        "com.lge.lgdmsclient",
        "com.motorola.ccc.ota",
        "com.oneplus.opbackup",
        "com.oppo.ota",
        "com.transsion.systemupdate",
        "com.wssyncmldm",
        NULL,
};

/* An app whose installer is one of these was sideloaded. */
const char *const th_android_sideload_installers[] = {
        "com.google.android.packageinstaller",
        "com.android.packageinstaller",
        "com.android.chrome",
        "org.mozilla.firefox",
        "com.sec.android.app.sbrowser",
        "com.opera.browser",
        "com.brave.browser",
        "com.microsoft.emmx",
        "com.UCMobile.intl",
        "com.android.browser",
        NULL,
};

/* Alternative stores: worth knowing, not alarming. */
const char *const th_android_store_installers[] = {
        "org.fdroid.fdroid",
        "com.aurora.store",
        "com.looker.droidify",
        "dev.imranr.obtainium",
        NULL,
};
