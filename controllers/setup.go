package controllers

import (
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
)

// Setup registers every controller with the manager.
func Setup(mgr ctrl.Manager) error {
	recorder := mgr.GetEventRecorder("egov-operator")
	if err := (&ProvincePortalReconciler{
		Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: recorder, Clock: clock.RealClock{},
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	if err := (&OneStopShopReconciler{
		Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: recorder, Clock: clock.RealClock{},
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	if err := (&DocExchangeNodeReconciler{
		Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: recorder, Clock: clock.RealClock{},
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	return (&NationalPlatformReconciler{
		Client: mgr.GetClient(), Recorder: recorder, Clock: clock.RealClock{},
	}).SetupWithManager(mgr)
}
